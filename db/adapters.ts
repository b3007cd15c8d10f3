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

export function createAdapterFactory(target: DatabaseTarget): SqlMigrationAwareDriverAdapterFactory {
  if (target.provider === 'postgresql') {
    return createPostgresAdapterFactory(target.url);
  }
  fs.mkdirSync(path.dirname(target.filePath), { recursive: true });
  const inner = new PrismaBetterSqlite3({ url: target.filePath, timeout: SQLITE_BUSY_TIMEOUT_MS });
  // The adapter opens its better-sqlite3 handle in connect(); every handle gets the pragmas before use.
  const withPragmas = async (connection: Promise<SqlDriverAdapter>): Promise<SqlDriverAdapter> => {
    const adapter = await connection;
    await adapter.executeScript(SQLITE_PRAGMAS);
    return adapter;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => withPragmas(inner.connect()),
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
}
