#!/bin/sh
# One-shot: migrates lakeFS's KV schema in PostgreSQL and creates the admin user with fixed
# keys (LAKEFS.md §3.2 (a)). Runs in the treeverse/lakefs image with the same LAKEFS_* env as
# the server.
#
# `lakefs setup` exits 1 both on real failures and when the installation is already set up
# ("Setup is already complete."). Only the latter counts as success here, so a broken database
# or config stops the stack instead of being hidden by `|| true`.
set -u

: "${SETUP_USER_NAME:?}" "${SETUP_ACCESS_KEY_ID:?}" "${SETUP_SECRET_ACCESS_KEY:?}"

out=$(/app/wait-for postgres:5432 -t 60 -- /app/lakefs setup \
  --user-name "$SETUP_USER_NAME" \
  --access-key-id "$SETUP_ACCESS_KEY_ID" \
  --secret-access-key "$SETUP_SECRET_ACCESS_KEY" 2>&1)
rc=$?

# On success lakeFS prints the credentials; keep the secret out of the logs.
printf '%s\n' "$out" | grep -v 'secret_access_key'

if [ "$rc" -eq 0 ]; then
  echo "lakefs-setup: created admin user '$SETUP_USER_NAME'"
  exit 0
fi
if printf '%s\n' "$out" | grep -q 'Setup is already complete'; then
  echo "lakefs-setup: already set up, nothing to do"
  exit 0
fi
echo "lakefs-setup: failed (exit $rc)" >&2
exit "$rc"
