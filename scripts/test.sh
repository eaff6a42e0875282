#!/usr/bin/env bash
# The one command that runs every check: type-check, lint, build, then all tests (unit, per-service
# e2e, cross-service) against a real Kafka broker, PostgreSQL and Redis. Starts what is missing and
# stops, on exit, only what it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[[ -d node_modules ]] || npm install --no-audit --no-fund

started="$(bash scripts/infra.sh down-list | xargs)"
# A broker the tests started holds only test events: its data goes with it, so a later `npm start` (which keeps
# its broker's data across restarts) does not consume the tests' registrations as if they were the demo's.
cleanup() {
  [[ -z "$started" ]] || bash scripts/infra.sh down $started
  [[ " $started " != *" kafka "* ]] || rm -rf "${ANSINH_INFRA_DIR:-.infra}/kafka/data"
}
trap cleanup EXIT

echo "== type-check and lint"
npm run --silent typecheck
npm run --silent lint

echo "== infrastructure"
bash scripts/infra.sh up

echo "== build"
npm run --silent build

echo "== browser"
# Debian's Chromium drives the coverage dashboard test; playwright-core never downloads a browser.
if [[ ! -x /usr/bin/chromium ]]; then
  as_root=(); [[ "$(id -u)" == 0 ]] || as_root=(sudo)
  "${as_root[@]}" apt-get install -y chromium || { "${as_root[@]}" apt-get update && "${as_root[@]}" apt-get install -y chromium; }
fi

echo "== tests"
export ANSINH_TEST_DATABASE="${ANSINH_TEST_DATABASE:-ansinh_test}"
npm run --silent jest -- --runInBand "$@"
