#!/usr/bin/env bash
# Online checkout under the peer's own driver (../shared/peers/load/
# checkout_load.mjs: closed-loop tills posting sales, then stock, totals and
# replay checks): Tillwise on PostgreSQL beside the seed-style Node peer on
# the same PostgreSQL, both pools 20, one server at a time, each on a
# database created just before its run (no warm-up, no ANALYZE by hand),
# two rounds in reversed order; then Tillwise on SQLite. Beside each figure,
# the CPU the server process used (100 % = one core). Reports; never fails
# on a figure.
#
# Both connect to PostgreSQL without TLS: the peer's node-postgres does by
# default, sqlx prefers TLS unless the URL says `sslmode=disable`, and on
# one machine TLS cost Tillwise about 13 % of its sales/s.
#
#   examples/checkout_load.sh          # TILLS=50 RUN_SECONDS=20 ROUNDS=2
#
# The 10-store and paced runs are `cargo run --release --features ssr
# --example bench -- {sqlite|postgres} {stores|paced}` (BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
TILLS=${TILLS:-50}
RUN_SECONDS=${RUN_SECONDS:-20}
ROUNDS=${ROUNDS:-2}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/tillwise/target}
BIN=$CARGO_TARGET_DIR/release/tillwise
OUT=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT

# The same build as the other benchmark scripts (an example brings the
# dev-dependencies' features in), so running one after another rebuilds nothing.
cargo build --release --features ssr --bin tillwise --example bench --example bare_json
[ -d "$PEERS/node-seed/node_modules" ] || (cd "$PEERS/node-seed" && npm ci --silent)
[ -d "$PEERS/load/node_modules" ] || (cd "$PEERS/load" && npm ci --silent)
psql "$PG/postgres" -q -c "DO \$\$ BEGIN CREATE ROLE peer LOGIN PASSWORD 'peer'; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$;"

fresh_db() { # name [owner]
  psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1${2:+ OWNER $2}"
}
wait_for() { for _ in $(seq 1 150); do curl -sf "$1/api/health" >/dev/null && return; sleep 0.2; done; echo "$1 did not start" >&2; exit 1; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

tillwise() { # database url
  env DATABASE_URL="$1" REDIS_URL= TILLWISE_SEED_DEMO=true LEPTOS_SITE_ADDR=127.0.0.1:3100 RUST_LOG=warn \
    "$BIN" >"$OUT/server.log" 2>&1 &
  echo $! >"$OUT/pid"
  wait_for http://127.0.0.1:3100
}
peer() {
  (cd "$PEERS/node-seed" && DATABASE_URL=postgres://peer:peer@127.0.0.1:5432/peer_node \
    PG_POOL_MAX=20 PORT=3000 exec node src/server.js >"$OUT/server.log" 2>&1) &
  echo $! >"$OUT/pid"
  wait_for http://127.0.0.1:3000
}
stop() { kill "$(cat "$OUT/pid")" 2>/dev/null || true; sleep 1; }

drive() { # name url
  local pid ticks0 ticks1 t0 t1
  pid=$(cat "$OUT/pid")
  ticks0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
  node "$PEERS/load/checkout_load.mjs" "$2" --tills "$TILLS" --seconds "$RUN_SECONDS" --json >"$OUT/run" 2>&1 || true
  ticks1=$(cpu_ticks "$pid"); t1=$(date +%s.%N)
  python3 - "$1" "$OUT/run" "$ticks0" "$ticks1" "$t0" "$t1" "$(getconf CLK_TCK)" <<'PY'
import json, sys
name, path, a, b, t0, t1, hz = sys.argv[1:]
cpu = (float(b) - float(a)) / float(hz) / (float(t1) - float(t0)) * 100
text = open(path).read().strip().splitlines()
try:
    s = json.loads(text[-1])
except (ValueError, IndexError):
    print(f"{name}: the driver failed: {' '.join(text)[:300]}"); sys.exit()
l = s["latency_ms"]
print(f"{name}: {s['throughput_per_s']} sales/s; p50 {l['p50']} ms, p99 {l['p99']} ms; "
      f"statuses {s['statuses']}; stock {s['stock_check']}, totals {s['totals_check']}, "
      f"replay {s['replay_check']}; server CPU {cpu:.0f} %")
PY
}

for round in $(seq 1 "$ROUNDS"); do
  # Reversed order each round, so neither always runs on a warmer machine.
  for who in $( [ $((round % 2)) = 1 ] && echo "peer tillwise" || echo "tillwise peer"); do
    if [ "$who" = peer ]; then
      fresh_db peer_node peer; peer; drive "round $round peer (PostgreSQL)" http://127.0.0.1:3000
    else
      fresh_db tw_bench_checkout; tillwise "$PG/tw_bench_checkout?sslmode=disable"
      drive "round $round tillwise (PostgreSQL, fresh)" http://127.0.0.1:3100
    fi
    stop
  done
done

rm -f "$OUT"/checkout.db*
tillwise "sqlite://$OUT/checkout.db?mode=rwc"
drive "tillwise (SQLite, fresh)" http://127.0.0.1:3100
stop
