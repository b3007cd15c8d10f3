#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or was installed from another package-lock.json, then
# makes sure the generated Prisma clients exist. Shared by `npm start` and `npm test`, so a fresh clone needs
# nothing else.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Which lock file node_modules was installed from is stamped by its hash (a checkout's file times say nothing:
# a fresh worktree's lock file is always newer); an installation without a stamp falls back to the times.
lock_hash() { sha256sum "$1" | cut -d' ' -f1; }
stale() { # <node_modules folder> <its package-lock.json>
  if [ -f "$1/.lock-hash" ]; then [ "$(cat "$1/.lock-hash")" != "$(lock_hash "$2")" ]; else [ "$2" -nt "$1/.package-lock.json" ]; fi
}
stamp() { lock_hash "$2" >"$1/.lock-hash"; }

if [ ! -d node_modules ]; then
  echo "[setup] installing npm dependencies (first run)" >&2
  # `npm install`, not `npm ci`: npm 11 leaves other platforms' optional packages (@swc/core-*) out of the
  # lock file when the registry omits them, and `npm ci` then refuses the lock as out of sync.
  npm install --no-audit --no-fund >&2
elif stale node_modules package-lock.json; then
  echo "[setup] package-lock.json changed: updating npm dependencies" >&2
  npm install --no-audit --no-fund >&2
fi
stamp node_modules package-lock.json
if [ ! -f generated/prisma/sqlite/client.ts ] || [ ! -f generated/prisma/postgresql/client.ts ]; then
  echo "[setup] generating the Prisma clients" >&2
  npm run --silent db:generate >&2
fi
# The console (console/, its own package.json and lock): its dependencies, then console/dist when missing or
# older than any of its sources, so /console works on a fresh clone with no extra step.
if [ ! -d console/node_modules ]; then
  echo "[setup] installing the console's npm dependencies (first run)" >&2
  (cd console && npm install --no-audit --no-fund >&2)
elif stale console/node_modules console/package-lock.json; then
  echo "[setup] console/package-lock.json changed: updating the console's npm dependencies" >&2
  (cd console && npm install --no-audit --no-fund >&2)
fi
stamp console/node_modules console/package-lock.json
if [ ! -f console/dist/index.html ] ||
  [ -n "$(find console/src console/index.html console/vite.config.ts console/tsconfig.json console/package-lock.json \
    -newer console/dist/index.html -print -quit)" ]; then
  echo "[setup] building the console (console/dist)" >&2
  # NODE_ENV is forced: under jest it is "test", which would make Vite bundle React's development build.
  (cd console && NODE_ENV=production npm run --silent build >&2)
fi
