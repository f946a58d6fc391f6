#!/usr/bin/env bash
# A private PostgreSQL server for development and tests, without Docker.
#
#   scripts/pg.sh start DIR   initialise DIR (once) and start a server on a Unix
#                             socket inside it; prints the connection URL.
#   scripts/pg.sh stop DIR    stop that server (no-op when it is not running).
#   scripts/pg.sh url DIR     print the connection URL for DIR.
#   scripts/pg.sh bindir      print the folder of the PostgreSQL programs
#                             (pg_dump, pg_restore, psql), installing them if need be.
#
# PG_FSYNC=off turns fsync off (tests); PG_OPTS adds server settings ("-c name=value ...").
#
# initdb refuses to run as root, so as root the server runs as the `postgres` user.
# The server listens on no TCP port: only the socket in DIR, so several copies of the
# project (a developer's `make run` and CI's `make test`) never collide.
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }

find_bindir() {
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v pg_ctl)")"; return; fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return; }
  done
  return 1
}

ensure_binaries() {
  BINDIR=$(find_bindir) && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "pg.sh: PostgreSQL not found; installing it with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    BINDIR=$(find_bindir) && return 0
  fi
  die "PostgreSQL server binaries not found. Install them (Debian/Ubuntu: 'sudo apt-get install postgresql'; any PostgreSQL 15 or newer works) or set DATABASE_URL."
}

as_owner() {
  # From /, so that the postgres user never starts in a folder it may not enter.
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

sockdir() {
  # Unix socket paths are limited to ~107 bytes; fall back to /tmp for deep folders.
  local d="$1/run"
  if [ ${#d} -gt 90 ]; then d="/tmp/quartier-pg-$(echo -n "$1" | sha1sum | cut -c1-12)"; fi
  echo "$d"
}

url() {
  local dir; dir=$(cd "$1" && pwd)
  echo "postgres:///quartier?host=$(sockdir "$dir")&user=postgres&sslmode=disable"
}

start() {
  local dir="$1"
  ensure_binaries
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local data="$dir/pgdata" sock; sock=$(sockdir "$dir")
  mkdir -p "$sock"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir" "$sock"; chmod 755 "$dir" "$sock"
    as_owner test -w "$dir" || die "the postgres user cannot reach $dir (a parent folder is closed to other users): move the project to a folder others can traverse, or set DATABASE_URL"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    as_owner "$BINDIR/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi
  if ! as_owner "$BINDIR/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_owner "$BINDIR/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses='' -c unix_socket_directories='$sock' -c fsync=${PG_FSYNC:-on} -c max_connections=200 ${PG_OPTS:-}" start >/dev/null \
      || { tail -n 20 "$dir/server.log" >&2; die "PostgreSQL did not start (log: $dir/server.log)"; }
  fi
  if ! as_owner "$BINDIR/psql" -h "$sock" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='quartier'" | grep -q 1; then
    as_owner "$BINDIR/createdb" -h "$sock" -U postgres quartier
  fi
  url "$dir"
}

stop() {
  local dir="$1"
  [ -d "$dir/pgdata" ] || return 0
  dir=$(cd "$dir" && pwd)
  BINDIR=$(find_bindir) || return 0
  if as_owner "$BINDIR/pg_ctl" -D "$dir/pgdata" status >/dev/null 2>&1; then
    as_owner "$BINDIR/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null || echo "pg.sh: could not stop the server in $dir" >&2
  fi
}

case "${1:-}" in
  start) [ $# = 2 ] || die "usage: pg.sh start DIR"; start "$2" ;;
  stop)  [ $# = 2 ] || die "usage: pg.sh stop DIR"; stop "$2" ;;
  url)   [ $# = 2 ] || die "usage: pg.sh url DIR"; url "$2" ;;
  bindir) ensure_binaries; echo "$BINDIR" ;;
  *) die "usage: pg.sh start|stop|url DIR, or pg.sh bindir" ;;
esac
