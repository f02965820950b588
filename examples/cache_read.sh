#!/usr/bin/env bash
# The cached product list under wrk: Tillwise (PostgreSQL + Redis) beside
# the seed-style Node peer, one server at a time, same PostgreSQL, same
# Redis, both pools 20, the peer's own driver (../shared/peers/load/
# products_read.sh: 50 connections, 2 threads, 15 s), and a bare axum
# handler returning the same bytes, in every round. Then Tillwise at 1
# connection, Tillwise with the product cache off, and the bare handler at
# 1 connection. Reports; never fails on a figure.
#
#   examples/cache_read.sh            # ROUNDS=2 DURATION=15s by default
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
REDIS=${REDIS:-redis://127.0.0.1:6379}
ROUNDS=${ROUNDS:-2}
export DURATION=${DURATION:-15s}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/tillwise/target}
BIN=$CARGO_TARGET_DIR/release
DRIVER=$PEERS/load/products_read.sh
OUT=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT

command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
cargo build --release --features ssr --bin tillwise --example bench --example bare_json
[ -d "$PEERS/node-seed/node_modules" ] || (cd "$PEERS/node-seed" && npm ci --silent)

psql "$PG/postgres" -q -c "DO \$\$ BEGIN CREATE ROLE peer LOGIN PASSWORD 'peer'; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$;"
for db in peer_node tw_bench_cache; do
  psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
done
psql "$PG/postgres" -q -c "ALTER DATABASE peer_node OWNER TO peer"

wait_for() { for _ in $(seq 1 100); do curl -sf "$1/api/health" >/dev/null && return; sleep 0.2; done; echo "$1 did not start" >&2; exit 1; }
# Neither fails when a run gave no SUMMARY line: the script reports, and goes on.
summary() { sed -n "s/^SUMMARY/$2/p" "$1"; }
# Every server, the peer too, first serves WARMUP of load that is not
# counted: a process just started is still doing its start-up work (the
# peer's JIT, Tillwise's first ANALYZE) and that is not what is measured.
WARMUP=${WARMUP:-5s}
warm_up() { DURATION=$WARMUP "$DRIVER" "$1" >/dev/null 2>&1 || true; }

tillwise() { # extra environment, then: name
  env DATABASE_URL="$PG/tw_bench_cache" REDIS_URL="$REDIS" TILLWISE_REDIS_PREFIX="bench-$$" \
    TILLWISE_SEED_DEMO=true LEPTOS_SITE_ADDR=127.0.0.1:3100 RUST_LOG=warn "$@" \
    "$BIN/tillwise" >"$OUT/tillwise.log" 2>&1 &
  echo $! >"$OUT/pid"
  wait_for http://127.0.0.1:3100
}
peer() {
  (cd "$PEERS/node-seed" && DATABASE_URL=postgres://peer:peer@127.0.0.1:5432/peer_node REDIS_URL="$REDIS" \
    PG_POOL_MAX=20 PORT=3000 node src/server.js >"$OUT/peer.log" 2>&1) &
  echo $! >"$OUT/pid"
  wait_for http://127.0.0.1:3000
}
stop() { kill "$(cat "$OUT/pid")" 2>/dev/null || true; pkill -f "node src/server.js" 2>/dev/null || true; sleep 1; }

sign_in() { # url
  curl -sS -o /dev/null -D - -H 'content-type: application/json' \
    -d '{"email":"owner@demo.test","password":"demo1234"}' "$1/api/auth/login" \
    | tr -d '\r' | awk 'tolower($1) == "set-cookie:" { sub(/;.*/, "", $2); print $2 }' | head -1
}
bare() {
  "$BIN/examples/bare_json" "$OUT/list.json" 127.0.0.1:3200 &
  echo $! >"$OUT/pid"
  sleep 0.5
}
rps() { sed -n 's/^SUMMARY.* rps=\([0-9.]*\).*/\1/p' "$1"; }

# The bytes the bare handler sends: Tillwise's own answer.
tillwise
COOKIE=$(sign_in http://127.0.0.1:3100)
curl -sS -H "Cookie: $COOKIE" 'http://127.0.0.1:3100/api/products?limit=50' >"$OUT/list.json"
echo "tillwise response bytes=$(wc -c <"$OUT/list.json")"
stop

# Each round: the peer, Tillwise and the bare handler one after another,
# in reversed order the next round, so neither the peer nor Tillwise always
# runs on a warmer machine, and Tillwise and the bare handler, whose ratio
# is a target, always run next to each other (this machine's own speed
# swings by a third over a minute; BENCHMARKS.md, "Cached reads").
for round in $(seq 1 "$ROUNDS"); do
  for who in $( [ $((round % 2)) = 1 ] && echo "peer tillwise bare" || echo "bare tillwise peer"); do
    case $who in
      peer) peer; URL=http://127.0.0.1:3000 ;;
      tillwise) tillwise; URL=http://127.0.0.1:3100 ;;
      bare) bare; URL=http://127.0.0.1:3200 ;;
    esac
    warm_up "$URL"
    "$DRIVER" "$URL" >"$OUT/run" 2>&1 || true
    summary "$OUT/run" "round=$round $who c=50"
    rps "$OUT/run" >"$OUT/rps.$who"
    stop
  done
  awk -v r="$round" -v t="$(cat "$OUT/rps.tillwise")" -v b="$(cat "$OUT/rps.bare")" -v p="$(cat "$OUT/rps.peer")" \
    'BEGIN { if (b > 0 && p > 0) printf "round=%s tillwise/bare=%.1f %% tillwise/peer=%.1fx\n", r, 100 * t / b, t / p;
             else printf "round=%s no ratio: a run above gave no figure\n", r }'
done

tillwise
warm_up http://127.0.0.1:3100
CONNECTIONS=1 THREADS=1 "$DRIVER" http://127.0.0.1:3100 >"$OUT/run" 2>&1 || true
summary "$OUT/run" "tillwise c=1"
"$DRIVER" http://127.0.0.1:3100 >"$OUT/run" 2>&1 || true
summary "$OUT/run" "tillwise c=50 (again, for the stats)"
COOKIE=$(sign_in http://127.0.0.1:3100)
curl -sS -H "Cookie: $COOKIE" http://127.0.0.1:3100/api/cache/stats \
  | python3 -c 'import json,sys; s=json.load(sys.stdin); p=[r for r in s["reads"] if r["kind"]=="products"][0]; print("tillwise cache backend=%s products hits=%d misses=%d hit_ratio=%.4f" % (s["backend"], p["hits"], p["misses"], p["hit_ratio"]))'
stop

tillwise TILLWISE_CACHE_TTL_PRODUCTS=0
warm_up http://127.0.0.1:3100
"$DRIVER" http://127.0.0.1:3100 >"$OUT/run" 2>&1 || true
summary "$OUT/run" "tillwise uncached c=50"
stop

peer
curl -sS -c /dev/null -o /dev/null http://127.0.0.1:3000/api/health
PCOOKIE=$(sign_in http://127.0.0.1:3000)
echo "peer response bytes=$(curl -sS -H "Cookie: $PCOOKIE" 'http://127.0.0.1:3000/api/products?limit=50' | wc -c)"
stop

bare
warm_up http://127.0.0.1:3200
CONNECTIONS=1 THREADS=1 "$DRIVER" http://127.0.0.1:3200 >"$OUT/run" 2>&1 || true
summary "$OUT/run" "bare axum, same bytes, c=1"
stop
