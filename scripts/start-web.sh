#!/bin/sh
# The web container's start (docker-compose.yml): migrate the schema, then serve with gunicorn.
# Migrations take a lock in PostgreSQL, so two containers starting at once do not collide.
set -eu
python manage.py migrate --noinput
exec gunicorn omstilling.wsgi:application \
  --bind 0.0.0.0:8000 \
  --workers "${GUNICORN_WORKERS:-3}" \
  --timeout "${GUNICORN_TIMEOUT:-60}" \
  --access-logfile -
