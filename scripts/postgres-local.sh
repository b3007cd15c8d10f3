#!/usr/bin/env bash
# Starts a local PostgreSQL 15 on 127.0.0.1:5432 for tests and development, installing it from Debian's
# packages if missing. Idempotent: safe to run again while it is up. Prints the URL to export as
# TEST_POSTGRES_URL on its last line (and nothing else on stdout), so CI can do:
#   export TEST_POSTGRES_URL="$(bash scripts/postgres-local.sh)"
set -euo pipefail

PG_PORT="${PG_PORT:-5432}"
PG_PASSWORD="${PG_PASSWORD:-postgres}"
log() { echo "postgres-local: $*" >&2; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  log "installing postgresql from Debian packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
PG_BIN="/usr/lib/postgresql/${PG_VERSION}/bin"

if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d "/etc/postgresql/${PG_VERSION}/main" ]; then
  # Debian's cluster: make it listen on loopback only, on the requested port.
  CONF="/etc/postgresql/${PG_VERSION}/main/postgresql.conf"
  as_root sed -i -E "s/^#?listen_addresses\s*=.*/listen_addresses = '127.0.0.1'/; s/^#?port\s*=.*/port = ${PG_PORT}/" "$CONF"
  if ! as_root pg_ctlcluster "$PG_VERSION" main status >/dev/null 2>&1; then
    log "starting cluster ${PG_VERSION}/main"
    as_root pg_ctlcluster "$PG_VERSION" main start >&2
  fi
else
  # No Debian cluster tooling (or cluster removed): a private data directory owned by postgres.
  DATA_DIR="${PG_DATA_DIR:-/var/lib/postgresql/calsync-data}"
  if [ ! -f "$DATA_DIR/PG_VERSION" ]; then
    log "initdb ${DATA_DIR}"
    as_root install -d -o postgres -g postgres "$DATA_DIR"
    as_root su postgres -s /bin/sh -c "${PG_BIN}/initdb -D '${DATA_DIR}' --auth-host=scram-sha-256 --auth-local=peer -U postgres" >&2
  fi
  if ! as_root su postgres -s /bin/sh -c "${PG_BIN}/pg_ctl -D '${DATA_DIR}' status" >/dev/null 2>&1; then
    log "starting ${DATA_DIR}"
    as_root su postgres -s /bin/sh -c "${PG_BIN}/pg_ctl -D '${DATA_DIR}' -l '${DATA_DIR}/server.log' -o \"-c listen_addresses=127.0.0.1 -p ${PG_PORT} -k /tmp\" -w start" >&2
  fi
fi

# Wait until it accepts connections (pg_ctlcluster returns before that on slow machines).
for _ in $(seq 1 60); do
  if "${PG_BIN}/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q; then break; fi
  sleep 0.5
done
"${PG_BIN}/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q || { log "PostgreSQL did not become ready"; exit 1; }

# Password auth over TCP for the postgres user (peer auth over the local socket to set it).
SOCKET_DIR=/var/run/postgresql
[ -S "${SOCKET_DIR}/.s.PGSQL.${PG_PORT}" ] || SOCKET_DIR=/tmp
as_root su postgres -s /bin/sh -c "psql -h '${SOCKET_DIR}' -p ${PG_PORT} -q -v ON_ERROR_STOP=1 -c \"ALTER USER postgres PASSWORD '${PG_PASSWORD}'\"" >&2

echo "postgresql://postgres:${PG_PASSWORD}@127.0.0.1:${PG_PORT}/postgres"
