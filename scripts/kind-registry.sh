#!/usr/bin/env bash
# The kind cluster (kind-config.yaml) and its local registry, as kind's local-registry guide does it
# (https://kind.sigs.k8s.io/docs/user/local-registry/): the "kind-registry" container (Distribution, config in
# docker-registry/config.yml, blobs in MinIO) on 127.0.0.1:$REGISTRY_PORT and on the kind network; every node
# maps localhost:$REGISTRY_PORT to it with a containerd hosts.toml; the local-registry-hosting ConfigMap
# documents it. Idempotent: an existing cluster is kept; the registry is recreated only when its config changed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools docker kind kubectl
load_env
ensure_kind_network

# 1. The registry container. Its config file is used as shipped; credentials and bucket come from .env.
config_hash=$(cat "$ROOT/docker-registry/config.yml" <(printf '%s\n' "$REGISTRY_IMAGE" "$REGISTRY_BUCKET" \
  "$REGISTRY_S3_ACCESS_KEY" "$REGISTRY_S3_SECRET_KEY" "$REGISTRY_PORT" "${REGISTRY_HTTP_SECRET:-}" \
  "${REGISTRY_EVENTS_TOKEN:-}" "$KIND_CLUSTER_NAME") | sha256sum | cut -c1-16)
if container_running "$REGISTRY_CONTAINER" \
  && [[ "$(container_label "$REGISTRY_CONTAINER" catalog.config-hash)" == "$config_hash" ]]; then
  log "registry '$REGISTRY_CONTAINER' already running with this configuration"
else
  docker rm -f "$REGISTRY_CONTAINER" >/dev/null 2>&1 || true
  log "starting registry '$REGISTRY_CONTAINER' ($REGISTRY_IMAGE) on 127.0.0.1:$REGISTRY_PORT, storage s3://$REGISTRY_BUCKET on MinIO"
  REGISTRY_STORAGE_S3_ACCESSKEY=$REGISTRY_S3_ACCESS_KEY
  REGISTRY_STORAGE_S3_SECRETKEY=$REGISTRY_S3_SECRET_KEY
  REGISTRY_STORAGE_S3_BUCKET=$REGISTRY_BUCKET
  export REGISTRY_STORAGE_S3_ACCESSKEY REGISTRY_STORAGE_S3_SECRETKEY REGISTRY_STORAGE_S3_BUCKET
  # Push/delete notifications to the catalog's NodePort on the control-plane node (its container name on the kind
  # network), with the token from .env. Distribution parses a list key given in the environment as YAML, so this
  # replaces config.yml's (disabled) endpoint and the token never lands in a file.
  events_env=()
  if [[ -n "${REGISTRY_EVENTS_TOKEN:-}" ]]; then
    REGISTRY_NOTIFICATIONS_ENDPOINTS="- name: catalog
  url: http://$KIND_CLUSTER_NAME-control-plane:30080/api/registry/events
  headers:
    Authorization:
      - Bearer $REGISTRY_EVENTS_TOKEN
  timeout: 2s
  threshold: 5
  backoff: 10s
  ignoredmediatypes: [application/octet-stream]"
    export REGISTRY_NOTIFICATIONS_ENDPOINTS
    events_env=(-e REGISTRY_NOTIFICATIONS_ENDPOINTS)
  fi
  # Secrets go by name (-e VAR): their values stay out of the process list.
  docker run -d --name "$REGISTRY_CONTAINER" --restart always \
    --network "$KIND_NETWORK" \
    --label "catalog.config-hash=$config_hash" \
    -p "127.0.0.1:$REGISTRY_PORT:5000" \
    -v "$ROOT/docker-registry/config.yml:/etc/docker/registry/config.yml:ro" \
    -e REGISTRY_STORAGE_S3_ACCESSKEY -e REGISTRY_STORAGE_S3_SECRETKEY -e REGISTRY_STORAGE_S3_BUCKET \
    -e REGISTRY_HTTP_SECRET "${events_env[@]}" \
    "$REGISTRY_IMAGE" >/dev/null
fi

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
