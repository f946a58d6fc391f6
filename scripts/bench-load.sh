#!/usr/bin/env bash
# Load benchmarks of issue 4 on this machine: PostgreSQL (fsync on,
# synchronous_commit on), the server and the load generator share the cores.
# The generator runs at a higher CPU priority (GEN_NICE, default -10; 0 for
# none) so that its own delays, which count in every latency, stay small: it
# stands for clients on other machines, and its CPU use is set by the offered
# rate, not by its priority.
#   scripts/bench-load.sh [supports|baseline|overload|twice|ideas|map|ballots]...   (default: all but baseline and twice)
# Knobs: RATES, OVERLOAD_RATE, PROBE_RATE, MAX_IN_FLIGHT, QUEUE_WAIT, BURST_WAIT, DB_CONNS, PROCS_PER_CORE, GC_PERCENT, DEFER_GC,
# GEN_NICE, PG_OPTS, PPROF (the server's pprof address), SAMPLES (a folder for
# every request of each run, as CSV).
# Figures go to stdout; docs/PERFORMANCE.md records them.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/quartier-bench.XXXXXX)
server=
# PostgreSQL and the server stop however the script ends (a failed build too).
trap '[ -n "$server" ] && { kill $server 2>/dev/null; wait $server 2>/dev/null; }; ./scripts/pg.sh stop "$dir" >/dev/null 2>&1; rm -rf "$dir"' EXIT
export DATABASE_URL=$(./scripts/pg.sh start "$dir")
cfg="$dir/config.yaml"
cat > "$cfg" <<YAML
env: production
log: {level: error}   # 503 refusals log at warn: not shown
http:
  addr: 127.0.0.1:18080
  public_url: https://bench.quartier.test
  max_in_flight: ${MAX_IN_FLIGHT:-8}
  queue_wait: ${QUEUE_WAIT:-1ms}
  burst_wait: ${BURST_WAIT:-100ms}
database: {max_conns: ${DB_CONNS:-6}}
runtime: {procs_per_core: ${PROCS_PER_CORE:-2}, gc_percent: ${GC_PERCENT:-2400}, defer_gc_when_overloaded: ${DEFER_GC:-true}}
auth:
  rate_limits:
    api_write_per_user: {max: 1000000, window: 1m}
mail: {dev_catcher: ""}
map: {tile_url: ""}
YAML
go build -o bin/quartier ./cmd/quartier
./bin/quartier --config "$cfg" migrate >/dev/null
QUARTIER_PPROF=${PPROF:-} ./bin/quartier --config "$cfg" serve &   # GOMAXPROCS / GOGC / GOMEMLIMIT, when set, override runtime: in the config
server=$!
for i in $(seq 50); do curl -sf http://127.0.0.1:18080/readyz >/dev/null && break; sleep 0.1; done
url=http://127.0.0.1:18080
# SAMPLES=DIR keeps every request of each run in DIR/N-scenario.csv (when each was scheduled, status, latency).
n=0
run() { n=$((n+1)); nice -n "${GEN_NICE:--10}" ./bin/quartier --config "$cfg" bench "$@" --url "$url" ${SAMPLES:+--samples "$SAMPLES/$n-$1.csv"}; }
# The yardstick: the same support transaction behind a minimal gin handler,
# with the same database pool, started only when asked for.
baseline() {
  ./bin/quartier --config "$cfg" bench baseline-server --addr 127.0.0.1:18081 &
  local b=$!
  for i in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:18081/ && break; sleep 0.1; done
  for r in ${RATES:-1000 2000 3000}; do nice -n "${GEN_NICE:--10}" ./bin/quartier --config "$cfg" bench baseline --url http://127.0.0.1:18081 --rate "$r" --duration 10s --users 500 --ideas 100; done
  kill $b; wait $b 2>/dev/null || true
}
# Visitors for RATE supports a second: enough for distinct supports over 100 ideas, at least 700.
visitors() { local u=$(( $1 * 15 / 100 )); echo $(( u > 700 ? u : 700 )); }
scenarios=${*:-supports overload ideas map ballots}
for s in $scenarios; do
  case $s in
    baseline) baseline ;;
    supports) for r in ${RATES:-1000 2000 3000}; do run supports --rate "$r" --duration 10s --users "$(visitors "$r")" --ideas 100; done ;;
    # overload: about twice what the server sustains here (5,100–6,900/s on 2026-11-28 with 8 in flight)
    overload) o=${OVERLOAD_RATE:-13000}; run supports --rate "$o" --duration 10s --users "$(visitors "$o")" --ideas 100 ;;
    # twice: the sustained maximum (what is accepted when offered PROBE_RATE), then three runs offered exactly twice it
    twice)
      p=${PROBE_RATE:-13000}
      out=$(run supports --rate "$p" --duration 10s --users "$(visitors "$p")" --ideas 100); echo "$out"
      max=$(echo "$out" | sed -nE 's/.* accepted \(([0-9]+)\/s\).*/\1/p' | head -1)
      echo "twice: sustained maximum ${max}/s; offering $((2 * max))/s"
      for i in 1 2 3; do run supports --rate $((2 * max)) --duration 10s --users "$(visitors $((2 * max)))" --ideas 100; done ;;
    ideas) run ideas --ideas 100000 --supports 1000000 --rate "${IDEAS_RATE:-5000}" --duration 10s ;;
    map) run map --ideas 100000 --rate "${MAP_RATE:-1000}" --duration 10s ;;
    ballots) run ballots --voters "${VOTERS:-20000}" --rate "${BALLOT_RATE:-1000}" ;;
  esac
done
