#!/bin/sh
# One-shot: waits for MinIO, then creates the media bucket and lakeFS's blockstore bucket.
# Idempotent (safe on every `up`). Runs in the minio/mc image.
set -eu

: "${MINIO_ENDPOINT:?}" "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}"
: "${MEDIA_BUCKET:?}" "${LAKEFS_BUCKET:?}"

tries=0
until mc alias set local "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null 2>&1 \
  && mc ls local >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "minio-init: MinIO at $MINIO_ENDPOINT did not answer within 120s" >&2
    mc alias set local "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
    exit 1
  fi
  sleep 2
done

for bucket in "$MEDIA_BUCKET" "$LAKEFS_BUCKET"; do
  mc mb --ignore-existing "local/$bucket"
done
echo "minio-init: buckets ready: $MEDIA_BUCKET $LAKEFS_BUCKET"
