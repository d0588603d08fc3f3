#!/usr/bin/env bash
# Shared helpers for the scripts in this directory (sourced, not run).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ROOT

# Pinned images (override in the environment if a newer one is wanted).
MINIO_IMAGE=${MINIO_IMAGE:-quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z}
MC_IMAGE=${MC_IMAGE:-quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z}
REGISTRY_IMAGE=${REGISTRY_IMAGE:-registry:2.8.3}
MINIO_CONTAINER=kind-minio
MINIO_VOLUME=kind-minio-data
REGISTRY_CONTAINER=kind-registry
KIND_NETWORK=kind
export MINIO_IMAGE MC_IMAGE REGISTRY_IMAGE MINIO_CONTAINER MINIO_VOLUME REGISTRY_CONTAINER KIND_NETWORK

log() {
  printf '==> %s\n' "$*" >&2
}

die() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

# Where each prerequisite comes from, for the message when it is missing.
install_hint() {
  case $1 in
    docker) echo "Docker Engine: https://docs.docker.com/engine/install/" ;;
    kind) echo "kind v0.32+: https://kind.sigs.k8s.io/docs/user/quick-start/#installation" ;;
    kubectl) echo "kubectl: https://kubernetes.io/docs/tasks/tools/" ;;
    helm) echo "Helm 3: https://helm.sh/docs/intro/install/" ;;
    *) echo "install '$1'" ;;
  esac
}

# require_tools docker kind ...: fails listing every missing tool at once; checks that the Docker daemon answers.
require_tools() {
  local missing=() tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if ((${#missing[@]} > 0)); then
    printf 'ERROR: missing prerequisites: %s\n' "${missing[*]}" >&2
    for tool in "${missing[@]}"; do
      printf '  - %s\n' "$(install_hint "$tool")" >&2
    done
    exit 1
  fi
  if [[ " $* " == *" docker "* ]] && ! docker info >/dev/null 2>&1; then
    die "the Docker daemon does not answer ('docker info' failed): start Docker or check your permissions"
  fi
}

# Loads .env (or $ENV_FILE) and exports its variables; creates it from .env.example on first use.
load_env() {
  local env_file=${ENV_FILE:-$ROOT/.env}
  if [[ ! -f "$env_file" ]]; then
    cp "$ROOT/.env.example" "$env_file"
    chmod 600 "$env_file"
    log "created $env_file from .env.example - change its passwords for anything but a local demo"
  fi
  set -a
  # shellcheck source=/dev/null
  . "$env_file"
  set +a
  local name
  for name in MINIO_ROOT_USER MINIO_ROOT_PASSWORD REGISTRY_S3_ACCESS_KEY REGISTRY_S3_SECRET_KEY REGISTRY_BUCKET; do
    [[ -n "${!name:-}" ]] || die "$name is not set in $env_file (see .env.example)"
  done
  MINIO_API_PORT=${MINIO_API_PORT:-9000}
  MINIO_CONSOLE_PORT=${MINIO_CONSOLE_PORT:-9001}
  REGISTRY_PORT=${REGISTRY_PORT:-5001}
  KIND_CLUSTER_NAME=${KIND_CLUSTER_NAME:-catalog}
  CATALOG_NAMESPACE=${CATALOG_NAMESPACE:-catalog}
  export MINIO_API_PORT MINIO_CONSOLE_PORT REGISTRY_PORT KIND_CLUSTER_NAME CATALOG_NAMESPACE
}

# container_running NAME: true when the container exists and runs.
container_running() {
  [[ "$(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null || true)" == "true" ]]
}

# container_label NAME LABEL: the label's value, empty when the container or label is missing.
container_label() {
  docker inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true
}

# ensure_kind_network: the docker network kind uses; created early so MinIO can join it before the cluster.
ensure_kind_network() {
  if ! docker network inspect "$KIND_NETWORK" >/dev/null 2>&1; then
    log "creating docker network '$KIND_NETWORK'"
    docker network create "$KIND_NETWORK" >/dev/null
  fi
}

# mc ARGS...: the MinIO client in a throw-away container on the kind network, as root ("minio" is the alias).
# MC_HOST_minio carries the root credentials by name: they stay out of the process list.
mc() {
  MC_HOST_minio="http://$MINIO_ROOT_USER:$MINIO_ROOT_PASSWORD@minio:9000"
  export MC_HOST_minio
  docker run --rm -i --network "$KIND_NETWORK" -e MC_HOST_minio "$MC_IMAGE" "$@"
}

# The project version from pom.xml (the first <version> after the project's own artifactId).
project_version() {
  sed -n '/<artifactId>catalog<\/artifactId>/,/<version>/s/.*<version>\(.*\)<\/version>.*/\1/p' "$ROOT/pom.xml" | head -n 1
}

kube_context() {
  echo "kind-$KIND_CLUSTER_NAME"
}
