#!/usr/bin/env bash
# make test: run every test against a throwaway PostgreSQL (or TEST_DATABASE_URL).
# Extra arguments go to `go test` (default: ./...).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  dir=$(mktemp -d /tmp/quartier-test-pg.XXXXXX)
  # fsync off: a throwaway server need not survive a power cut, and tests run faster.
  TEST_DATABASE_URL=$(PG_FSYNC=off ./scripts/pg.sh start "$dir")
  export TEST_DATABASE_URL
  trap './scripts/pg.sh stop "$dir"; rm -rf "$dir"' EXIT
fi

./scripts/assets.sh

# The browser test drives Chromium through chromedriver; install them when missing.
if ! command -v chromedriver >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing chromium and chromium-driver for the browser test" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 ||
      echo "test.sh: could not install Chromium; the browser test will fail in CI and be skipped elsewhere" >&2
  else
    echo "test.sh: chromedriver not found; the browser test is skipped (install chromium and chromium-driver)" >&2
  fi
fi

if [ $# -eq 0 ]; then set -- ./...; fi
go test -count=1 -timeout 8m "$@"
