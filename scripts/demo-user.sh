#!/usr/bin/env bash
# A demo user for the catalog's sign-in: a ServiceAccount allowed, by ordinary RBAC, exactly what the catalog asks
# about (pods and their logs in the runs namespace, listing nodes, deleting images via the chart's
# <namespace>-catalog-repository-deleter ClusterRole), and a time-limited token to paste on /login.
#   DEMO_USER (default demo), DEMO_TOKEN_DURATION (default 8h), RUNS_NAMESPACE (default the catalog's namespace).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools kubectl
load_env

context=$(kube_context)
user=${DEMO_USER:-demo}
runs_namespace=${RUNS_NAMESPACE:-$CATALOG_NAMESPACE}

log "demo user $user: ServiceAccount in $CATALOG_NAMESPACE, may run pods in $runs_namespace, list nodes and delete images"
kubectl --context "$context" apply -f - <<YAML
apiVersion: v1
kind: ServiceAccount
metadata:
  name: $user
  namespace: $CATALOG_NAMESPACE
---
# What the catalog checks with a SubjectAccessReview before launching, listing, reading logs and stopping.
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: catalog-$user-runs
  namespace: $runs_namespace
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["create", "get", "list", "delete"]
  - apiGroups: [""]
    resources: ["pods/log"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: catalog-$user-runs
  namespace: $runs_namespace
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: catalog-$user-runs
subjects:
  - kind: ServiceAccount
    name: $user
    namespace: $CATALOG_NAMESPACE
---
# Nodes are cluster-scoped: the node list and the Run form's node choices need a ClusterRoleBinding.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: catalog-$user-nodes
rules:
  - apiGroups: [""]
    resources: ["nodes"]
    verbs: ["list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: catalog-$user-nodes
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: catalog-$user-nodes
subjects:
  - kind: ServiceAccount
    name: $user
    namespace: $CATALOG_NAMESPACE
---
# Untag and Delete image: the chart's ClusterRole (delete on repositories.imagecatalog.dev), bound to nobody by the
# chart itself.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: catalog-$user-repository-deleter
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: $CATALOG_NAMESPACE-catalog-repository-deleter
subjects:
  - kind: ServiceAccount
    name: $user
    namespace: $CATALOG_NAMESPACE
YAML

token=$(kubectl --context "$context" --namespace "$CATALOG_NAMESPACE" create token "$user" \
  --duration "${DEMO_TOKEN_DURATION:-8h}")
log "sign in on http://localhost:30080/login with this token (valid ${DEMO_TOKEN_DURATION:-8h}; run scripts/demo-user.sh for a new one):"
printf '%s\n' "$token"
