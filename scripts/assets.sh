#!/usr/bin/env bash
# make assets: install the front-end packages of package.json from npm into
# ./node_modules (not committed). Skips the work when the lock file has not changed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "assets.sh: npm not found; installing nodejs and npm with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "assets.sh: npm not found: install Node.js and npm (Debian: apt-get install nodejs npm)" >&2
    exit 1
  fi
fi

stamp=node_modules/.quartier-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
