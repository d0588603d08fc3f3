#!/usr/bin/env bash
# Everything from nothing: MinIO, the kind cluster with its local registry, the catalog release and demo images.
# Re-running upgrades: existing containers and the cluster are kept, the image is rebuilt and the release upgraded.
#   SEED_DEMO=false skips the demo images. Extra arguments go to helm (e.g. --set replicaCount=2).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Check everything up front: failing after the cluster exists would leave half a set-up.
require_tools docker kind kubectl helm
load_env

scripts="$ROOT/scripts"
"$scripts/minio.sh"
"$scripts/kind-registry.sh"
"$scripts/deploy.sh" "$@"
if [[ "${SEED_DEMO:-true}" == "true" ]]; then
  "$scripts/seed-demo.sh"
fi
# running images needs a signed-in user the cluster allows: a demo ServiceAccount and its sign-in token
"$scripts/demo-user.sh"
log "done: http://localhost:30080 (registry localhost:$REGISTRY_PORT, MinIO console http://127.0.0.1:$MINIO_CONSOLE_PORT)"
