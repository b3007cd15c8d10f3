#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than package-lock.json, then makes sure
# the generated Prisma clients exist. Shared by `npm start` and `npm test`, so a fresh clone needs nothing else.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -d node_modules ]; then
  echo "[setup] installing npm dependencies (first run)" >&2
  # `npm install`, not `npm ci`: npm 11 leaves other platforms' optional packages (@swc/core-*) out of the
  # lock file when the registry omits them, and `npm ci` then refuses the lock as out of sync.
  npm install --no-audit --no-fund >&2
elif [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] package-lock.json changed: updating npm dependencies" >&2
  npm install --no-audit --no-fund >&2
fi
if [ ! -f generated/prisma/sqlite/client.ts ] || [ ! -f generated/prisma/postgresql/client.ts ]; then
  echo "[setup] generating the Prisma clients" >&2
  npm run --silent db:generate >&2
fi
