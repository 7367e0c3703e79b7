#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a FRESH database and storage
# folder, then run the ledger checks on it. Exit 0 only when the restore is whole.
#   scripts/restore-check.sh BACKUP_DIR NEW_DATABASE_URL NEW_STORAGE_DIR
# The new database must not exist yet (it is created here): a restore never
# writes over a live one.
set -euo pipefail
backup=${1:?usage: scripts/restore-check.sh BACKUP_DIR NEW_DATABASE_URL NEW_STORAGE_DIR}
target=${2:?NEW_DATABASE_URL}
storage=${3:?NEW_STORAGE_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
flask=${FLASK:-$here/.venv/bin/flask}
libpq=${target/+psycopg/}
name=${libpq##*/}
server=${libpq%/*}/postgres
psql --quiet --dbname="$server" -c "CREATE DATABASE \"$name\"" >/dev/null
pg_restore --no-owner --exit-on-error --dbname="$libpq" "$backup/db.dump"
mkdir -p "$storage"
tar -xzf "$backup/files.tar.gz" -C "$storage"
export DATABASE_URL=$target WCL_STORAGE_DIR=$storage FLASK_APP=wcl
cd "$here"
"$flask" db current 2>/dev/null | tail -n1 | sed 's/^/schema: /'
"$flask" check-ledger
