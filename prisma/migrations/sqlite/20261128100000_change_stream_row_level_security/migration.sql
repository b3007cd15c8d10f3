-- Row-level security exists only on PostgreSQL (see prisma/migrations/postgresql/20261128100000_change_stream_row_level_security).
-- SQLite has no RLS, this migration keeps both migration histories alike and changes nothing.
SELECT 1;
