// Serializes migrations of one database across processes (API and worker may start at once) and within
// one process. Both locks are released by the operating system or the server if the holder dies, so a
// crashed migration never leaves a lock behind:
//  - PostgreSQL: a session-level advisory lock held on a dedicated connection;
//  - SQLite: an exclusive transaction on a side file `<db>.migrate-lock` (the database file itself must
//    stay writable by the schema engine's own connection).
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { DatabaseTarget } from './database-url';

// Any constant works as long as it is ours; Prisma's own engine uses 72707369, so keep away from it.
const ADVISORY_LOCK_KEY = 4_170_292_651;
const SQLITE_LOCK_POLL_MS = 100;
const LOCK_WAIT_LIMIT_MS = 10 * 60_000;

const inProcess = new Map<string, Promise<unknown>>();

export async function withMigrationLock<T>(target: DatabaseTarget, work: () => Promise<T>): Promise<T> {
  const key = target.provider === 'sqlite' ? target.filePath : target.url;
  // Chain behind any migration of the same database already running in this process.
  const previous = inProcess.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => withCrossProcessLock(target, work));
  inProcess.set(key, run);
  try {
    return await run;
  } finally {
    if (inProcess.get(key) === run) inProcess.delete(key);
  }
}

async function withCrossProcessLock<T>(target: DatabaseTarget, work: () => Promise<T>): Promise<T> {
  if (target.provider === 'postgresql') {
    const client = new Client({ connectionString: target.url });
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]);
      }
    } finally {
      await client.end();
    }
  }

  const lockFile = path.join(path.dirname(target.filePath), `${path.basename(target.filePath)}.migrate-lock`);
  // timeout 0: poll without blocking the event loop instead of letting SQLite's busy handler sleep.
  const lock = new Database(lockFile, { timeout: 0 });
  try {
    const deadline = Date.now() + LOCK_WAIT_LIMIT_MS;
    for (;;) {
      try {
        lock.exec('BEGIN EXCLUSIVE');
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, SQLITE_LOCK_POLL_MS));
      }
    }
    try {
      return await work();
    } finally {
      lock.exec('ROLLBACK');
    }
  } finally {
    lock.close();
  }
}
