#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into an EMPTY database (drop and create it first;
# README.md shows how). One transaction: on any error nothing is restored.
#
#   scripts/restore.sh [FILE]     no FILE: the dump is read from standard input
#
# The database is DATABASE_URL if set, else libpq's variables (PGDATABASE and friends).
set -euo pipefail

target="${DATABASE_URL:-${PGDATABASE:-}}"
if [[ -z "$target" ]]; then
  echo "restore.sh: set DATABASE_URL (or PGDATABASE) to the database to restore into." >&2
  exit 2
fi
args=(--dbname="$target" --no-owner --no-privileges --single-transaction --exit-on-error)
if [[ $# -gt 0 ]]; then
  args+=("$1")
fi
exec pg_restore "${args[@]}"
