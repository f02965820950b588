#!/usr/bin/env bash
# Starts the built server ($1) in the background, runs the Playwright tests
# against it (global-setup.ts waits until it answers), and stops it however
# the tests end. The environment (DATABASE_URL, LEPTOS_SITE_ADDR, …) is the
# server's; the tests read LEPTOS_SITE_ADDR too. Extra arguments go to
# Playwright (say, a spec file or --grep).
set -euo pipefail
server=$1
shift
cd "$(dirname "$0")/.."
log=target/e2e-server.log
"$server" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
cd end2end
if ! npx playwright test "$@"; then
  echo "--- the server's log (last 40 lines of $log) ---" >&2
  tail -n 40 "../$log" >&2
  exit 1
fi
