#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the console's browser tests (test/console/), installing it
# from Debian's packages if missing (needs root or sudo). Idempotent. The tests drive /usr/bin/chromium with
# playwright-core (no browser download: npx playwright install cannot work here).
set -euo pipefail
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ! -x /usr/bin/chromium ]; then
  echo "chromium-local: installing chromium from Debian packages" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
fi
