#!/usr/bin/env bash
# Builds the service's image, pushes it to the local registry and installs or upgrades the Helm release.
# Usage: scripts/deploy.sh [extra helm arguments, e.g. --set replicaCount=2]
#   IMAGE_TAG      tag to build (default: <pom version>-<git commit>[-dirty-<time>], so every change rolls)
#   NETWORK_POLICY true to enable the chart's NetworkPolicy (CIDRs taken from the kind docker network)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools docker helm kubectl
load_env

image_tag() {
  local version commit
  version=$(project_version)
  [[ -n "$version" ]] || die "cannot read the project version from pom.xml"
  if commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); then
    version="$version-$commit"
    if [[ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]]; then
      version="$version-dirty-$(date +%s)"
    fi
  fi
  echo "$version"
}

tag=${IMAGE_TAG:-$(image_tag)}
repository="localhost:$REGISTRY_PORT/catalog"
context=$(kube_context)

log "building $repository:$tag"
docker build --build-arg "VERSION=$tag" -t "$repository:$tag" "$ROOT"
log "pushing $repository:$tag"
docker push "$repository:$tag"

helm_args=(
  --kube-context "$context"
  --namespace "$CATALOG_NAMESPACE" --create-namespace
  --set "image.repository=$repository"
  --set "image.tag=$tag"
  --set "registry.pullHost=localhost:$REGISTRY_PORT"
  # the demo registry allows deletes (docker-registry/config.yml), so the catalog offers Untag and Delete image
  --set "registry.delete.enabled=true"
  # the registry's notifications reach the NodePort by a node container's name (docker-registry/config.yml)
  --set "server.allowedHosts={$KIND_CLUSTER_NAME-control-plane,$KIND_CLUSTER_NAME-worker,$KIND_CLUSTER_NAME-worker2}"
)
if [[ -n "${REGISTRY_EVENTS_TOKEN:-}" ]]; then
  # The token the registry's notifications carry (kind-registry.sh gives the registry the same one), in a Secret;
  # piped, so it never shows in the process list.
  kubectl --context "$context" create namespace "$CATALOG_NAMESPACE" --dry-run=client -o yaml \
    | kubectl --context "$context" apply -f - >/dev/null
  printf '%s' "$REGISTRY_EVENTS_TOKEN" \
    | kubectl --context "$context" --namespace "$CATALOG_NAMESPACE" create secret generic catalog-registry-events \
      --from-file=token=/dev/stdin --dry-run=client -o yaml \
    | kubectl --context "$context" --namespace "$CATALOG_NAMESPACE" apply -f - >/dev/null
  helm_args+=(--set registry.events.existingSecret=catalog-registry-events)
fi
if [[ "${NETWORK_POLICY:-false}" == "true" ]]; then
  subnet=$(docker network inspect "$KIND_NETWORK" -f '{{range .IPAM.Config}}{{if .Subnet}}{{.Subnet}} {{end}}{{end}}' | awk '{print $1}')
  [[ -n "$subnet" ]] || die "cannot read the subnet of docker network '$KIND_NETWORK'"
  helm_args+=(--set networkPolicy.enabled=true
    --set "networkPolicy.apiServer.cidrs={$subnet}"
    --set "networkPolicy.registry.cidrs={$subnet}")
fi

log "helm upgrade --install catalog ./chart (namespace $CATALOG_NAMESPACE)"
helm upgrade --install catalog "$ROOT/chart" "${helm_args[@]}" "$@"
kubectl --context "$context" --namespace "$CATALOG_NAMESPACE" rollout status deployment/catalog --timeout 180s

log "catalog $tag is up: http://localhost:30080"
log "  or: kubectl --context $context -n $CATALOG_NAMESPACE port-forward service/catalog 8080:8080 (then http://localhost:8080)"
