#!/bin/sh
# PostgreSQL's first start (docker-entrypoint-initdb.d): Temporal's databases, and the roles the service
# connects as. The superuser POSTGRES_USER owns the schema and runs migrations (the `migrate` job) and
# Temporal; the API and the worker never connect as it:
#   calsync_app    / login calsync_api           the API's DATABASE_URL: one organization's rows at a time
#   calsync_system / login calsync_system_user   SYSTEM_DATABASE_URL (worker, and the API's lookups by secret)
# The migration 20261128091529_hardening_row_level_security gives the group roles their grants and policies.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v api_password="$CALSYNC_API_PASSWORD" -v system_password="$CALSYNC_SYSTEM_PASSWORD" <<'EOSQL'
CREATE DATABASE temporal;
CREATE DATABASE temporal_visibility;
CREATE ROLE calsync_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
CREATE ROLE calsync_system NOLOGIN NOSUPERUSER NOBYPASSRLS;
CREATE ROLE calsync_api LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'api_password' IN ROLE calsync_app;
CREATE ROLE calsync_system_user LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'system_password' IN ROLE calsync_system;
EOSQL
