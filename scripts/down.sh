#!/usr/bin/env bash
# Clean-up: deletes the kind cluster and removes the registry and MinIO containers.
#   --purge also deletes MinIO's data volume (every pushed image) and the kind docker network.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

purge=false
for arg in "$@"; do
  case $arg in
    --purge) purge=true ;;
    -h | --help)
      echo "usage: scripts/down.sh [--purge]"
      exit 0
      ;;
    *) die "unknown argument '$arg' (usage: scripts/down.sh [--purge])" ;;
  esac
done

require_tools docker kind
# Only the cluster name is needed from .env; do not create one on the way out.
if [[ -f "${ENV_FILE:-$ROOT/.env}" ]]; then
  load_env
fi
KIND_CLUSTER_NAME=${KIND_CLUSTER_NAME:-catalog}

if kind get clusters 2>/dev/null | grep -qx "$KIND_CLUSTER_NAME"; then
  log "deleting kind cluster '$KIND_CLUSTER_NAME'"
  kind delete cluster --name "$KIND_CLUSTER_NAME"
fi
for container in "$REGISTRY_CONTAINER" "$MINIO_CONTAINER"; do
  if docker inspect "$container" >/dev/null 2>&1; then
    log "removing container '$container'"
    docker rm -f "$container" >/dev/null
  fi
done
if [[ "$purge" == "true" ]]; then
  if docker volume inspect "$MINIO_VOLUME" >/dev/null 2>&1; then
    log "deleting volume '$MINIO_VOLUME' (all registry data)"
    docker volume rm "$MINIO_VOLUME" >/dev/null
  fi
  if docker network inspect "$KIND_NETWORK" >/dev/null 2>&1; then
    log "deleting docker network '$KIND_NETWORK'"
    docker network rm "$KIND_NETWORK" >/dev/null || log "network '$KIND_NETWORK' still in use; left in place"
  fi
fi
log "clean"
