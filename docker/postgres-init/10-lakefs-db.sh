#!/bin/bash
# Creates lakeFS's KV database next to the app's (POSTGRES_DB). The postgres image runs this
# once, when the data volume is empty. Role, password and name come from the compose file.
set -eo pipefail

: "${LAKEFS_DB_USER:?}" "${LAKEFS_DB_PASSWORD:?}" "${LAKEFS_DB_NAME:?}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v lakefs_user="$LAKEFS_DB_USER" \
  -v lakefs_password="$LAKEFS_DB_PASSWORD" \
  -v lakefs_db="$LAKEFS_DB_NAME" <<'SQL'
CREATE ROLE :"lakefs_user" LOGIN PASSWORD :'lakefs_password';
CREATE DATABASE :"lakefs_db" OWNER :"lakefs_user";
SQL
