#!/usr/bin/env bash
# Frees the space deleted images still take in the registry that scripts/up.sh starts: a delete (the catalog's, or
# any client's DELETE /v2/<name>/manifests/<digest>) only unlinks a manifest; its blobs stay in MinIO until the
# registry's garbage collection removes every blob no linked manifest references.
#   1. the "kind-registry" container is recreated in read-only maintenance mode (pulls work; pushes and deletes
#      answer 405 meanwhile), so nothing is uploaded while the collector marks and sweeps;
#   2. `registry garbage-collect` runs inside it. Never --delete-untagged: on Distribution 2.8 it deletes the
#      platform manifests of multi-platform images (distribution/distribution#3004);
#   3. the container is recreated read-write (also when the collection fails), and the bytes the bucket lost are
#      printed (MinIO's own count of the bucket, before and after).
# Extra arguments go to garbage-collect (e.g. --dry-run).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/registry-container.sh
. "$(dirname "${BASH_SOURCE[0]}")/registry-container.sh"

require_tools docker
load_env

for argument in "$@"; do
  if [[ "$argument" == --delete-untagged* || "$argument" == -m ]]; then
    die "refusing $argument: on Distribution 2.8 it deletes the children of multi-platform images (distribution#3004)"
  fi
done
container_running "$REGISTRY_CONTAINER" \
  || die "the registry container '$REGISTRY_CONTAINER' is not running: start it with scripts/up.sh"
container_running "$MINIO_CONTAINER" \
  || die "the MinIO container '$MINIO_CONTAINER' is not running: start it with scripts/up.sh"

# bucket_bytes: the bytes MinIO counts in the registry's bucket.
bucket_bytes() {
  local json bytes
  json=$(mc du --json "minio/$REGISTRY_BUCKET")
  bytes=$(sed -n 's/.*"size":[[:space:]]*\([0-9][0-9]*\).*/\1/p' <<<"$json" | head -n 1)
  [[ -n "$bytes" ]] || die "cannot read the size of bucket '$REGISTRY_BUCKET' from MinIO: $json"
  printf '%s\n' "$bytes"
}

before=$(bucket_bytes)
log "bucket '$REGISTRY_BUCKET' holds $before bytes"

log "registry read-only for the collection"
trap 'log "back to read-write"; ensure_registry_container read-write' EXIT
ensure_registry_container read-only

log "registry garbage-collect (without --delete-untagged)"
docker exec "$REGISTRY_CONTAINER" registry garbage-collect "$@" /etc/docker/registry/config.yml

trap - EXIT
log "back to read-write"
ensure_registry_container read-write

after=$(bucket_bytes)
freed=$((before - after))
printf 'freed %d bytes (%d MiB): bucket %s held %d bytes before, %d after\n' \
  "$freed" $((freed / 1048576)) "$REGISTRY_BUCKET" "$before" "$after"
