#!/usr/bin/env bash
# `npm start`: set-up (dependencies, Temporal CLI) then the launcher, which runs the Temporal dev server,
# the sandbox providers, the worker and the API together until Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
TEMPORAL_CLI="$(bash scripts/temporal-cli.sh)"
export TEMPORAL_CLI
exec node --import tsx scripts/dev/start.ts
