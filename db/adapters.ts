// Prisma driver adapters for a database target: better-sqlite3 for SQLite, node-postgres for PostgreSQL.
// Used by both the Prisma client (db/client.ts) and the schema engine (db/migrate.ts), so SQLite gets the
// same connection settings everywhere.
import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DatabaseTarget } from './database-url';
import { createPostgresAdapterFactory } from './postgres-adapter';

// WAL lets readers (API) and a writer (worker) work at once; busy_timeout makes a second writer wait instead
// of failing with SQLITE_BUSY; foreign keys make the schema's ON DELETE CASCADE real; synchronous=NORMAL is
// durable enough under WAL (a power cut can lose the last commits, never corrupt the file).
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;
const SQLITE_PRAGMAS = [
  'PRAGMA journal_mode = WAL;',
  `PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS};`,
  'PRAGMA foreign_keys = ON;',
  'PRAGMA synchronous = NORMAL;',
].join('\n');

export function createAdapterFactory(target: DatabaseTarget, options: { poolSize?: number } = {}): SqlMigrationAwareDriverAdapterFactory {
  if (target.provider === 'postgresql') {
    return createPostgresAdapterFactory(target.url, options);
  }
  fs.mkdirSync(path.dirname(target.filePath), { recursive: true });
  const inner = new PrismaBetterSqlite3({ url: target.filePath, timeout: SQLITE_BUSY_TIMEOUT_MS });
  // The adapter opens its better-sqlite3 handle in connect(); every handle gets the pragmas before use.
  const withPragmas = async (connection: Promise<SqlDriverAdapter>): Promise<SqlDriverAdapter> => {
    const adapter = await connection;
    await adapter.executeScript(SQLITE_PRAGMAS);
    beginImmediate(adapter);
    return adapter;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => withPragmas(inner.connect()),
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
}

/**
 * Transactions take the write lock when they begin (BEGIN IMMEDIATE), waiting up to busy_timeout for it.
 * The adapter begins them DEFERRED: a transaction that reads, then writes while another process (API and
 * worker share the file) has written since its read, cannot upgrade its snapshot and fails at once with
 * SQLITE_BUSY ("Operation has timed out"), busy_timeout or not. Waiting at BEGIN is what a single-writer
 * database wants; the wait is short because write transactions are (a sync page is a few statements).
 * @prisma/adapter-better-sqlite3 7.10 has no option for it: its startTransaction prepares "BEGIN" on the
 * handle it keeps in `client`, so that one statement is rewritten there.
 */
function beginImmediate(adapter: SqlDriverAdapter): void {
  const handle = (adapter as unknown as { client?: { prepare(sql: string): unknown } }).client;
  if (!handle || typeof handle.prepare !== 'function') throw new Error('@prisma/adapter-better-sqlite3: no database handle to configure');
  const prepare = handle.prepare.bind(handle);
  handle.prepare = (sql: string) => prepare(sql === 'BEGIN' ? 'BEGIN IMMEDIATE' : sql);
}
