-- Row-level security exists only on PostgreSQL (see prisma/migrations/postgresql/20261128131917_organization_connections_row_level_security).
-- SQLite has no RLS, this migration keeps both migration histories alike and changes nothing.
SELECT 1;
