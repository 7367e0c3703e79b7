#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a FRESH database and storage
# folder, bring its schema to this release, then run the ledger checks on it.
# Exit 0 only when the restore is whole.
#   scripts/restore.sh BACKUP_DIR NEW_DATABASE NEW_STORAGE_DIR
# NEW_DATABASE is a database name (created on the server of $DATABASE_URL, or
# of libpq's PGHOST/PGPORT/PGUSER when DATABASE_URL is unset) or a full
# postgresql:// URL. It must not exist yet (it is created here): a restore
# never writes over a live one.
set -euo pipefail
usage="usage: scripts/restore.sh BACKUP_DIR NEW_DATABASE NEW_STORAGE_DIR"
backup=${1:?$usage}
target=${2:?$usage}
storage=${3:?$usage}
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${FLASK:-}" ]; then flask=$FLASK
elif [ -x "$here/.venv/bin/flask" ]; then flask=$here/.venv/bin/flask
else flask=$(command -v flask)
fi
[ -f "$backup/db.dump" ] && [ -f "$backup/files.tar.gz" ] || { echo "restore: $backup has no db.dump and files.tar.gz" >&2; exit 2; }

case $target in
  postgres://* | postgresql://* | postgresql+psycopg://*) url=${target/+psycopg/} ;;
  */* | *\"*) echo "restore: not a database name or URL: $target" >&2; exit 2 ;;
  *)
    server=${DATABASE_URL:-postgresql://}
    server=${server/+psycopg/}
    server=${server%%\?*}
    # Keep scheme://user@host:port, swap the database name.
    case ${server#*://} in */*) server=${server%/*} ;; esac
    url=$server/$target
    ;;
esac
url=${url/postgres:\/\//postgresql://}
name=${url##*/}
name=${name%%\?*}
admin=${url%/*}/postgres

psql --quiet --no-psqlrc --dbname="$admin" -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$name\"" >/dev/null
pg_restore --no-owner --exit-on-error --dbname="$url" "$backup/db.dump"
mkdir -p "$storage"
tar -xzf "$backup/files.tar.gz" -C "$storage"
echo "restored: database $name, files in $storage"

export DATABASE_URL=$url WCL_STORAGE_DIR=$storage FLASK_APP=wcl
cd "$here"
# A backup of an older release is brought to this release's schema (a no-op when current).
upgraded=$("$flask" db upgrade 2>&1) || { echo "$upgraded" >&2; exit 1; }
"$flask" db current 2>/dev/null | tail -n1 | sed 's/^/schema: /'
"$flask" check-ledger
