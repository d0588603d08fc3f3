#!/usr/bin/env bash
# MinIO for the registry's storage: a container on the kind network (alias "minio"), a bucket, and a dedicated
# access key that may use only that bucket. Idempotent: re-running keeps the data and updates key and policy.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools docker
load_env
ensure_kind_network

if container_running "$MINIO_CONTAINER" && [[ "$(container_label "$MINIO_CONTAINER" catalog.image)" == "$MINIO_IMAGE" ]]; then
  log "MinIO already running ($MINIO_IMAGE)"
else
  docker rm -f "$MINIO_CONTAINER" >/dev/null 2>&1 || true
  log "starting MinIO $MINIO_IMAGE (API 127.0.0.1:$MINIO_API_PORT, console 127.0.0.1:$MINIO_CONSOLE_PORT)"
  # Secrets go by name (-e VAR): their values stay out of the process list.
  docker run -d --name "$MINIO_CONTAINER" --restart unless-stopped \
    --network "$KIND_NETWORK" --network-alias minio \
    --label "catalog.image=$MINIO_IMAGE" \
    -p "127.0.0.1:$MINIO_API_PORT:9000" -p "127.0.0.1:$MINIO_CONSOLE_PORT:9001" \
    -e MINIO_ROOT_USER -e MINIO_ROOT_PASSWORD \
    -v "$MINIO_VOLUME:/data" \
    "$MINIO_IMAGE" server /data --console-address :9001 >/dev/null
fi

log "waiting for MinIO"
for attempt in $(seq 1 30); do
  if mc ready minio >/dev/null 2>&1; then
    break
  fi
  ((attempt == 30)) && die "MinIO did not become ready; see 'docker logs $MINIO_CONTAINER'"
  sleep 2
done

log "bucket '$REGISTRY_BUCKET' and access key '$REGISTRY_S3_ACCESS_KEY' for the registry"
mc mb --ignore-existing "minio/$REGISTRY_BUCKET" >/dev/null
policy="registry-$REGISTRY_BUCKET"
mc admin policy create minio "$policy" /dev/stdin >/dev/null <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      "Resource": ["arn:aws:s3:::$REGISTRY_BUCKET"]
    },
    {
      "Effect": "Allow",
      "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
      "Resource": ["arn:aws:s3:::$REGISTRY_BUCKET/*"]
    }
  ]
}
POLICY
# Adding an existing user updates its secret key, so a changed .env takes effect on the next run.
mc admin user add minio "$REGISTRY_S3_ACCESS_KEY" "$REGISTRY_S3_SECRET_KEY" >/dev/null
if ! mc admin user info minio "$REGISTRY_S3_ACCESS_KEY" 2>/dev/null | grep -q "$policy"; then
  mc admin policy attach minio "$policy" --user "$REGISTRY_S3_ACCESS_KEY" >/dev/null
fi
log "MinIO ready: console http://127.0.0.1:$MINIO_CONSOLE_PORT (user $MINIO_ROOT_USER)"
