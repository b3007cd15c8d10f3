// Prisma driver adapters for a database target: better-sqlite3 for SQLite, node-postgres for PostgreSQL.
// Used by both the Prisma client (db/client.ts) and the schema engine (db/migrate.ts), so SQLite gets the
// same connection settings everywhere.
import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQuery } from '@prisma/driver-adapter-utils';
import type { DatabaseTarget } from './database-url';
import { createPostgresAdapterFactory } from './postgres-adapter';

/**
 * How long one attempt blocks the process for a lock another process holds: better-sqlite3 is synchronous, so
 * SQLite's own wait (busy_timeout) stops the event loop. Longer waits are pauses between attempts.
 */
const SQLITE_ATTEMPT_BUSY_MS = 20;
// WAL lets readers (API) and a writer (worker) work at once; a second writer waits for the lock (see
// waitForLocksWithoutBlocking) instead of failing with SQLITE_BUSY; foreign keys make the schema's ON DELETE
// CASCADE real; synchronous=NORMAL is durable enough under WAL (a power cut can lose the last commits, never
// corrupt the file).
const SQLITE_PRAGMAS = [
  'PRAGMA journal_mode = WAL;',
  `PRAGMA busy_timeout = ${SQLITE_ATTEMPT_BUSY_MS};`,
  'PRAGMA foreign_keys = ON;',
  'PRAGMA synchronous = NORMAL;',
].join('\n');

export function createAdapterFactory(target: DatabaseTarget, options: { poolSize?: number } = {}): SqlMigrationAwareDriverAdapterFactory {
  if (target.provider === 'postgresql') {
    return createPostgresAdapterFactory(target.url, options);
  }
  fs.mkdirSync(path.dirname(target.filePath), { recursive: true });
  const inner = new PrismaBetterSqlite3({ url: target.filePath, timeout: SQLITE_ATTEMPT_BUSY_MS });
  // The adapter opens its better-sqlite3 handle in connect(); every handle gets the pragmas before use.
  const withPragmas = async (connection: Promise<SqlDriverAdapter>): Promise<SqlDriverAdapter> => {
    const adapter = await connection;
    await adapter.executeScript(SQLITE_PRAGMAS);
    waitForLocksWithoutBlocking(adapter);
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

/** How long a statement or a transaction start waits for the write lock (then fails: Prisma's maxWait is 15 s). */
const WRITE_LOCK_WAIT_MS = 10_000;
/** A statement that writes nothing but takes the write lock (SQLite begins a write for any UPDATE). */
const TAKE_WRITE_LOCK = { sql: 'UPDATE "_prisma_migrations" SET "id" = "id" WHERE 0', args: [], argTypes: [] };

const kindOf = (error: unknown) => (error as { cause?: { kind?: string } }).cause?.kind;
const isBusy = (error: unknown) => kindOf(error) === 'SocketTimeout';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` until it is not refused for a lock another process holds, pausing between tries, for WRITE_LOCK_WAIT_MS. */
async function whileLockedElsewhere<T>(attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
    }
    await pause(Math.min(5 * 2 ** tries, 100));
  }
}

/**
 * A statement outside a transaction (Prisma's single writes) that finds the write lock taken by another process
 * is tried again after a pause, until WRITE_LOCK_WAIT_MS: SQLite refused it before doing anything, and the
 * process serves other requests meanwhile. With SQLite waiting instead (busy_timeout), an API process stood
 * still for seconds while the worker wrote a burst of first syncs.
 */
function waitForLocksWithoutBlocking(adapter: SqlDriverAdapter): void {
  for (const method of ['queryRaw', 'executeRaw'] as const) {
    const run = adapter[method].bind(adapter) as (query: SqlQuery) => Promise<never>;
    adapter[method] = (query: SqlQuery) => whileLockedElsewhere(() => run(query));
  }
}

/**
 * Every transaction holds the write lock from its start, and waits for it without blocking the process.
 * The adapter begins transactions DEFERRED: one that reads, then writes after another process (API and
 * worker share the file) has written since its read cannot upgrade its snapshot and fails at once with
 * SQLITE_BUSY ("Operation has timed out"), busy_timeout or not. So the first statement of each transaction
 * takes the lock; when busy, it rolls back and tries again after a pause (as above, without blocking the
 * process). Write transactions are short (a sync page is a few statements), so the waits are too.
 */
function writeLockAtStart(adapter: SqlDriverAdapter): void {
  const start = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = (isolationLevel) =>
    whileLockedElsewhere(async () => {
      const transaction = await start(isolationLevel);
      try {
        await transaction.executeRaw(TAKE_WRITE_LOCK);
        return transaction;
      } catch (error) {
        // A database not migrated yet (the migration engine's own transactions): deferred, as the adapter does.
        if (kindOf(error) === 'TableDoesNotExist') return transaction;
        await transaction.executeRaw({ sql: 'ROLLBACK', args: [], argTypes: [] }).catch(() => undefined);
        await transaction.rollback();
        throw error;
      }
    });
}
