#!/usr/bin/env bash
# Back up the portal's database in PostgreSQL's custom format (pg_dump -Fc): compressed, and
# restorable table by table with pg_restore. See README.md, "Backup and restore".
#
#   scripts/backup.sh [FILE]      no FILE: the dump goes to standard output
#
# The database is DATABASE_URL if set (postgres://user:password@host:port/name), else libpq's
# own variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), as in the db container.
set -euo pipefail

args=(--format=custom --no-owner --no-privileges)
if [[ -n "${DATABASE_URL:-}" ]]; then
  args+=(--dbname="$DATABASE_URL")
fi
if [[ $# -gt 0 ]]; then
  args+=(--file="$1")
fi
exec pg_dump "${args[@]}"
