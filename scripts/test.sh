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

if [ $# -eq 0 ]; then set -- ./...; fi
go test -count=1 -timeout 8m "$@"
