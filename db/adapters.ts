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
    writeLockAtStart(adapter);
    return adapter;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => withPragmas(inner.connect()),
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
}

/** How long a transaction start waits for the write lock (then fails: Prisma's maxWait is 15 s). */
const WRITE_LOCK_WAIT_MS = 10_000;
/** A statement that writes nothing but takes the write lock (SQLite begins a write for any UPDATE). */
const TAKE_WRITE_LOCK = { sql: 'UPDATE "_prisma_migrations" SET "id" = "id" WHERE 0', args: [], argTypes: [] };

type SqliteHandle = { pragma(source: string): unknown };

const kindOf = (error: unknown) => (error as { cause?: { kind?: string } }).cause?.kind;
const isBusy = (error: unknown) => kindOf(error) === 'SocketTimeout';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every transaction holds the write lock from its start, and waits for it without blocking the process.
 * The adapter begins transactions DEFERRED: one that reads, then writes after another process (API and
 * worker share the file) has written since its read cannot upgrade its snapshot and fails at once with
 * SQLITE_BUSY ("Operation has timed out"), busy_timeout or not. So the first statement of each transaction
 * takes the lock; better-sqlite3 is synchronous, so rather than letting busy_timeout block the event loop for
 * up to 10 s, it tries with a short timeout and, when busy, rolls back and tries again after a pause.
 * Write transactions are short (a sync page is a few statements), so the waits are too.
 */
function writeLockAtStart(adapter: SqlDriverAdapter): void {
  const handle = (adapter as unknown as { client?: SqliteHandle }).client;
  if (!handle || typeof handle.pragma !== 'function') throw new Error('@prisma/adapter-better-sqlite3: no database handle to configure');
  const start = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      const transaction = await start(isolationLevel);
      handle.pragma('busy_timeout = 20');
      try {
        await transaction.executeRaw(TAKE_WRITE_LOCK);
        return transaction;
      } catch (error) {
        // A database not migrated yet (the migration engine's own transactions): deferred, as the adapter does.
        if (kindOf(error) === 'TableDoesNotExist') return transaction;
        await transaction.executeRaw({ sql: 'ROLLBACK', args: [], argTypes: [] }).catch(() => undefined);
        await transaction.rollback();
        if (!isBusy(error) || Date.now() >= deadline) throw error;
      } finally {
        handle.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
      }
      await pause(Math.min(5 * 2 ** attempt, 100));
    }
  };
}
