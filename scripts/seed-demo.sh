#!/usr/bin/env bash
# Pushes a few public images into the local registry so a new catalog is not empty: two tags of busybox,
# hello-world, and alpine with all its platforms (a multi-arch index). Idempotent (re-pushing is a no-op).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools docker
load_env

target="localhost:$REGISTRY_PORT"
single_platform=(busybox:1.37.0 busybox:1.36.1 hello-world:latest)
multi_arch=alpine:3.22

for image in "${single_platform[@]}"; do
  log "seeding $target/demo/$image"
  docker pull --quiet "$image" >/dev/null
  docker tag "$image" "$target/demo/$image"
  docker push --quiet "$target/demo/$image" >/dev/null
done

# The whole index with every platform: registry-to-registry copy, no local pull.
log "seeding $target/demo/$multi_arch (all platforms)"
if command -v skopeo >/dev/null 2>&1; then
  skopeo copy --all --dest-tls-verify=false "docker://docker.io/library/$multi_arch" "docker://$target/demo/$multi_arch"
elif docker buildx version >/dev/null 2>&1; then
  docker buildx imagetools create --tag "$target/demo/$multi_arch" "docker.io/library/$multi_arch"
else
  log "neither skopeo nor docker buildx found: pushing only this machine's platform of $multi_arch"
  docker pull --quiet "$multi_arch" >/dev/null
  docker tag "$multi_arch" "$target/demo/$multi_arch"
  docker push --quiet "$target/demo/$multi_arch" >/dev/null
fi
log "demo images pushed to $target/demo/*"
