#!/usr/bin/env bash
# make run: start Quartier at http://localhost:8080 with demo content.
# Uses DATABASE_URL when set; otherwise a local PostgreSQL whose data lives in
# ./.data (kept between runs) and which stops when Quartier stops.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/assets.sh
go build -o bin/quartier ./cmd/quartier

stop_pg=true
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(./scripts/pg.sh start .data)
  export DATABASE_URL
  stop_pg='./scripts/pg.sh stop .data'
  trap "$stop_pg" EXIT
  echo "PostgreSQL running with its data in ./.data"
fi

./bin/quartier migrate
./bin/quartier demo
echo "Demo admin: admin@quartier.test / quartier-demo-admin (local use only)"
echo "Mail sent by the platform: http://localhost:8080/dev/mail"
# Not exec: the trap above must stop PostgreSQL after Quartier exits on Ctrl-C.
# The fake neighbourhood app: the demo's project updates and poll appear in it,
# and what its members do there comes back (its address is printed below).
QUARTIER_DEMO_APP=1 ./bin/quartier serve --migrate &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; '"$stop_pg" EXIT
trap 'exit 0' INT TERM
wait $pid
