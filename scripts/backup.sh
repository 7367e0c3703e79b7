#!/usr/bin/env bash
# Back up wcl: the database (pg_dump custom format) and the stored files.
#   scripts/backup.sh DEST_DIR
# Reads DATABASE_URL and WCL_STORAGE_DIR as the app does. Writes DEST_DIR/db.dump
# and DEST_DIR/files.tar.gz; restore and verify with scripts/restore.sh.
set -euo pipefail
dest=${1:?usage: scripts/backup.sh DEST_DIR}
: "${DATABASE_URL:?DATABASE_URL is not set}"
storage=${WCL_STORAGE_DIR:-instance/files}
mkdir -p "$dest"
pg_dump --format=custom --no-owner --dbname="${DATABASE_URL/+psycopg/}" --file="$dest/db.dump"
tar -czf "$dest/files.tar.gz" -C "$storage" .
echo "backup: $(du -h "$dest/db.dump" | cut -f1) database, $(du -h "$dest/files.tar.gz" | cut -f1) files in $dest"
