#!/bin/sh
# Entrypoint of the annolake image.
#   web      gunicorn on :8000 (WEB_CONCURRENCY workers, default 3)
#   migrate  python manage.py migrate --noinput
#   anything else is executed as given (celery ..., python manage.py ..., sh).
# Migrations run in the one-shot `migrate` service of docker-compose.yml, not on every start,
# so that replicas of web / worker never race each other on the schema.
set -eu

case "${1:-web}" in
  web)
    exec gunicorn annolake.wsgi:application \
      --bind 0.0.0.0:8000 \
      --workers "${WEB_CONCURRENCY:-3}" \
      --threads 4 \
      --timeout 120 \
      --access-logfile - \
      --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}"
    ;;
  migrate)
    exec python manage.py migrate --noinput
    ;;
  *)
    exec "$@"
    ;;
esac
