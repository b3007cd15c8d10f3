#!/usr/bin/env bash
# `npm test`: set-up (dependencies, Temporal CLI, a local PostgreSQL) then the type check, lint, format
# check and every test. Extra arguments go to jest, e.g. `npm test -- test/api`. `npm test -- test/unit`
# runs the pure tests only, without a Temporal server or PostgreSQL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh

unit_only=false
if [ "$#" -gt 0 ]; then
  unit_only=true
  for arg in "$@"; do
    case "$arg" in test/unit | test/unit/* | ./test/unit | ./test/unit/*) ;; *) unit_only=false ;; esac
  done
fi
if [ "$unit_only" = false ]; then
  TEMPORAL_CLI="$(bash scripts/temporal-cli.sh)"
  export TEMPORAL_CLI
  # The console's browser tests (test/console/) run in Debian's Chromium.
  bash scripts/chromium-local.sh
  if [ -z "${TEST_POSTGRES_URL:-}" ] && [ "${SKIP_POSTGRES_TESTS:-}" != "1" ]; then
    # The data-layer tests also run on a real PostgreSQL; this installs and starts one if needed.
    TEST_POSTGRES_URL="$(bash scripts/postgres-local.sh)"
    export TEST_POSTGRES_URL
  fi
fi
echo "[test] type check" >&2
npx tsc -p .
echo "[test] lint and format check" >&2
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --list-different . >&2; echo "[test] files above are not formatted: run npm run format" >&2; exit 1; }
echo "[test] jest" >&2
exec npx jest "$@"
