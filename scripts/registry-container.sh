#!/usr/bin/env bash
# The "kind-registry" container (sourced by kind-registry.sh and registry-gc.sh, after lib.sh and load_env).

# ensure_registry_container read-write|read-only: the registry container (Distribution, config in
# docker-registry/config.yml, blobs in MinIO) on 127.0.0.1:$REGISTRY_PORT and on the kind network, recreated only
# when its configuration changed. read-only is Distribution's maintenance mode (pulls work, pushes and deletes
# answer 405) for garbage collection: a container's environment is fixed at creation, so switching recreates it.
ensure_registry_container() {
  local mode=$1
  local readonly_env=()
  if [[ "$mode" == read-only ]]; then
    # Distribution reads storage.maintenance.readonly from the environment as YAML (checked on 2.8).
    readonly_env=(-e 'REGISTRY_STORAGE_MAINTENANCE_READONLY={"enabled":true}')
  fi
  local config_hash
  config_hash=$(cat "$ROOT/docker-registry/config.yml" <(printf '%s\n' "$REGISTRY_IMAGE" "$REGISTRY_BUCKET" \
    "$REGISTRY_S3_ACCESS_KEY" "$REGISTRY_S3_SECRET_KEY" "$REGISTRY_PORT" "${REGISTRY_HTTP_SECRET:-}" \
    "${REGISTRY_EVENTS_TOKEN:-}" "$KIND_CLUSTER_NAME" "${readonly_env[@]}") | sha256sum | cut -c1-16)
  if container_running "$REGISTRY_CONTAINER" \
    && [[ "$(container_label "$REGISTRY_CONTAINER" catalog.config-hash)" == "$config_hash" ]]; then
    log "registry '$REGISTRY_CONTAINER' already running with this configuration ($mode)"
    return
  fi
  docker rm -f "$REGISTRY_CONTAINER" >/dev/null 2>&1 || true
  log "starting registry '$REGISTRY_CONTAINER' ($REGISTRY_IMAGE, $mode) on 127.0.0.1:$REGISTRY_PORT, storage s3://$REGISTRY_BUCKET on MinIO"
  REGISTRY_STORAGE_S3_ACCESSKEY=$REGISTRY_S3_ACCESS_KEY
  REGISTRY_STORAGE_S3_SECRETKEY=$REGISTRY_S3_SECRET_KEY
  REGISTRY_STORAGE_S3_BUCKET=$REGISTRY_BUCKET
  export REGISTRY_STORAGE_S3_ACCESSKEY REGISTRY_STORAGE_S3_SECRETKEY REGISTRY_STORAGE_S3_BUCKET
  # Push/delete notifications to the catalog's NodePort on the control-plane node (its container name on the kind
  # network), with the token from .env. Distribution parses a list key given in the environment as YAML, so this
  # replaces config.yml's (disabled) endpoint and the token never lands in a file.
  local events_env=()
  if [[ -n "${REGISTRY_EVENTS_TOKEN:-}" ]]; then
    REGISTRY_NOTIFICATIONS_ENDPOINTS="- name: catalog
  url: http://$KIND_CLUSTER_NAME-control-plane:30080/api/registry/events
  headers:
    Authorization:
      - Bearer $REGISTRY_EVENTS_TOKEN
  timeout: 2s
  threshold: 5
  backoff: 10s
  ignoredmediatypes: [application/octet-stream]
  ignore:
    actions: [pull]"
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
    -e REGISTRY_HTTP_SECRET "${events_env[@]}" "${readonly_env[@]}" \
    "$REGISTRY_IMAGE" >/dev/null
}
