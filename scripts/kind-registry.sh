#!/usr/bin/env bash
# The kind cluster (kind-config.yaml) and its local registry, as kind's local-registry guide does it
# (https://kind.sigs.k8s.io/docs/user/local-registry/): the "kind-registry" container (Distribution, config in
# docker-registry/config.yml, blobs in MinIO) on 127.0.0.1:$REGISTRY_PORT and on the kind network; every node
# maps localhost:$REGISTRY_PORT to it with a containerd hosts.toml; the local-registry-hosting ConfigMap
# documents it. Idempotent: an existing cluster is kept; the registry is recreated only when its config changed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/registry-container.sh
. "$(dirname "${BASH_SOURCE[0]}")/registry-container.sh"

require_tools docker kind kubectl
load_env
ensure_kind_network

# 1. The registry container (scripts/registry-container.sh), writable.
ensure_registry_container read-write

# 2. The cluster.
if kind get clusters 2>/dev/null | grep -qx "$KIND_CLUSTER_NAME"; then
  log "kind cluster '$KIND_CLUSTER_NAME' already exists"
else
  log "creating kind cluster '$KIND_CLUSTER_NAME' (1 control-plane, 2 workers)"
  kind create cluster --name "$KIND_CLUSTER_NAME" --config "$ROOT/kind-config.yaml" --wait 120s
fi

# 3. Every node pulls localhost:$REGISTRY_PORT/... from the registry container on the kind network.
registry_dir="/etc/containerd/certs.d/localhost:$REGISTRY_PORT"
for node in $(kind get nodes --name "$KIND_CLUSTER_NAME"); do
  docker exec "$node" mkdir -p "$registry_dir"
  docker exec -i "$node" cp /dev/stdin "$registry_dir/hosts.toml" <<TOML
[host."http://$REGISTRY_CONTAINER:5000"]
TOML
done

# 4. An older registry container may still be on the default bridge only.
if [[ "$(docker inspect -f "{{json .NetworkSettings.Networks.$KIND_NETWORK}}" "$REGISTRY_CONTAINER" 2>/dev/null || echo null)" == "null" ]]; then
  docker network connect "$KIND_NETWORK" "$REGISTRY_CONTAINER"
fi

# 5. Document the local registry (KEP-1755), as kind's guide does.
kubectl --context "$(kube_context)" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-registry-hosting
  namespace: kube-public
data:
  localRegistryHosting.v1: |
    host: "localhost:$REGISTRY_PORT"
    help: "https://kind.sigs.k8s.io/docs/user/local-registry/"
YAML
log "cluster '$KIND_CLUSTER_NAME' uses registry localhost:$REGISTRY_PORT"
