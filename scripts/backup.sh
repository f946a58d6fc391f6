#!/usr/bin/env bash
# Backups of Quartier's database: everything the platform keeps is in it
# (accounts, contributions, images and photos, the job queue, and the secret
# that signs the links already sent by mail), so one dump restores all of it.
#
#   scripts/backup.sh dump [FILE]    dump DATABASE_URL (or, when unset, the `make run`
#                                    database in ./.data) to FILE, by default
#                                    backups/quartier-YYYYMMDD-HHMMSS.dump; prints FILE.
#                                    The server may keep running: the dump is one
#                                    consistent snapshot.
#   scripts/backup.sh restore FILE   restore FILE into DATABASE_URL, which must be an
#                                    empty database (create it first); nothing is
#                                    written when it is not, or when the file is not a
#                                    dump. Then `quartier migrate` brings an older dump's
#                                    schema up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "backup.sh: $*" >&2; exit 1; }

bindir=$(./scripts/pg.sh bindir)
url=${DATABASE_URL:-}
if [ -z "$url" ]; then
  [ -d .data/pgdata ] || die "DATABASE_URL is not set and there is no local database in ./.data (make run creates it)"
  url=$(./scripts/pg.sh start .data)   # a no-op when it is running
fi

case "${1:-}" in
  dump)
    file=${2:-backups/quartier-$(date +%Y%m%d-%H%M%S).dump}
    mkdir -p "$(dirname "$file")"
    "$bindir/pg_dump" --format=custom --no-owner --no-privileges --file="$file.partial" "$url" || { rm -f "$file.partial"; die "pg_dump failed"; }
    mv "$file.partial" "$file"   # a dump cut short never looks like a backup
    echo "$file"
    ;;
  restore)
    [ $# = 2 ] || die "usage: backup.sh restore FILE"
    file=$2
    [ -f "$file" ] || die "no such file: $file"
    "$bindir/pg_restore" --list "$file" >/dev/null 2>&1 || die "$file is not a dump made by backup.sh (pg_dump --format=custom)"
    tables=$("$bindir/psql" -X -tAc "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')" "$url") \
      || die "cannot read the target database"
    [ "$tables" = 0 ] || die "the target database is not empty ($tables tables): restore into a new, empty database"
    "$bindir/pg_restore" --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$file" \
      || die "pg_restore failed; nothing was written (one transaction)"
    echo "restored $file"
    ;;
  *) die "usage: backup.sh dump [FILE] | restore FILE" ;;
esac
