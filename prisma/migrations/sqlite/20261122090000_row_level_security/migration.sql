-- Row-level security exists only on PostgreSQL (see prisma/migrations/postgresql/20261122090000_row_level_security).
-- SQLite has no RLS, this migration keeps both migration histories of both folders alike and changes nothing.
SELECT 1;
