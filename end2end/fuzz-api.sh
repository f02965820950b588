#!/usr/bin/env bash
# The API fuzzer: schemathesis (pinned, installed into a virtualenv of its
# own when missing) against /api/openapi.json of the built server ($1),
# started on a fresh demo database and signed in as the owner. It fails
# on any 5xx and on any answer that does not match the document. Bounded
# so it fits CI: a few examples per operation, one worker.
#   end2end/fuzz-api.sh target/debug/tillwise [more schemathesis options]
set -euo pipefail
server=$1
shift
cd "$(dirname "$0")/.."
version=4.32.5
venv="${HOME}/.cache/tillwise/schemathesis-${version}"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==${version}"
fi

addr=${FUZZ_ADDR:-127.0.0.1:3211}
data=$PWD/target/fuzz-data
rm -rf "$data" && mkdir -p "$data"
log=target/fuzz-server.log
DATABASE_URL="sqlite://$data/fuzz.db?mode=rwc" LEPTOS_SITE_ADDR=$addr TILLWISE_SEED_DEMO=true \
  REDIS_URL= "$server" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://$addr/api/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
curl -fsS "http://$addr/api/health" >/dev/null 2>&1 \
  || { echo "the server did not start" >&2; tail -n 40 "$log" >&2; exit 1; }

# The owner's session cookie, as a browser would carry it.
cookie=$(curl -fsS -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"email":"owner@demo.test","password":"demo1234"}' "http://$addr/api/auth/login" \
  | sed -n 's/^[Ss]et-[Cc]ookie: \(tw_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "could not sign in as the demo owner" >&2; tail -n 40 "$log" >&2; exit 1; }

# Signing out would end the fuzzer's own session halfway; the socket is
# not plain HTTP.
if ! "$venv/bin/schemathesis" run "http://$addr/api/openapi.json" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --max-examples "${FUZZ_EXAMPLES:-20}" --workers 1 --seed 20261203 \
  --exclude-path /api/auth/logout --exclude-path /api/ws \
  --header "Cookie: $cookie" --request-timeout 10 --warnings off "$@"; then
  echo "--- the server's log (last 40 lines of $log) ---" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
