// Fresh, migrated databases for integration tests, on either provider:
//   const { db, url, cleanup } = await createTestDatabase({ provider: 'postgresql' });
// SQLite: a new file in a temp directory. PostgreSQL: a new database `calsync_test_<random>` on the server
// TEST_POSTGRES_URL names, dropped by cleanup(). Without TEST_POSTGRES_URL, PostgreSQL tests FAIL with a
// clear message; set SKIP_POSTGRES_TESTS=1 to skip them on purpose (CI always sets the URL:
// `export TEST_POSTGRES_URL="$(bash scripts/postgres-local.sh)"`).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../../db/client';
import type { DbProvider } from '../../db/database-url';
import { applyMigrations } from '../../db/migrate';
import { createPostgresDatabase, dropPostgresDatabase, withDatabase } from '../../db/postgres-admin';

export interface TestDatabase {
  provider: DbProvider;
  /** DATABASE_URL of this database (hand it to code under test, e.g. a spawned process). */
  url: string;
  /** A client on it; cleanup() disconnects it. */
  db: Db;
  /** Disconnects and deletes the database. Safe to call twice. */
  cleanup(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  provider?: DbProvider;
  /** Apply the migrations (default true). false gives an empty database, for migration tests. */
  migrate?: boolean;
}

export const POSTGRES_PROVIDERS_MESSAGE =
  'PostgreSQL tests need TEST_POSTGRES_URL (e.g. postgresql://postgres:postgres@127.0.0.1:5432/postgres; ' +
  'run `export TEST_POSTGRES_URL="$(bash scripts/postgres-local.sh)"`), or SKIP_POSTGRES_TESTS=1 to skip them on purpose';

/** The server URL for PostgreSQL tests; throws the explanation above when it is not configured. */
export function testPostgresUrl(): string {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) throw new Error(POSTGRES_PROVIDERS_MESSAGE);
  return url;
}

/** True only when PostgreSQL tests were explicitly switched off (SKIP_POSTGRES_TESTS=1 and no URL). */
export function postgresTestsSkipped(): boolean {
  return !process.env.TEST_POSTGRES_URL && process.env.SKIP_POSTGRES_TESTS === '1';
}

/**
 * The providers a test file should cover: both, or only SQLite when PostgreSQL tests are explicitly
 * skipped. Use with describe.each(testProviders()). Without TEST_POSTGRES_URL (and no skip), PostgreSQL
 * stays in the list and its tests fail in createTestDatabase with the explanation.
 */
export function testProviders(): DbProvider[] {
  return postgresTestsSkipped() ? ['sqlite'] : ['sqlite', 'postgresql'];
}

export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const provider = options.provider ?? 'sqlite';
  const migrate = options.migrate ?? true;

  let url: string;
  let remove: () => Promise<void>;
  if (provider === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calsync-test-'));
    url = `file:${path.join(dir, 'calendar.db')}`;
    remove = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const server = testPostgresUrl();
    const name = `calsync_test_${randomBytes(6).toString('hex')}`;
    await createPostgresDatabase(server, name);
    url = withDatabase(server, name);
    remove = () => dropPostgresDatabase(server, name);
  }

  try {
    if (migrate) await applyMigrations(url);
  } catch (error) {
    await remove();
    throw error;
  }
  const db = createDb(url);
  let cleaned: Promise<void> | undefined;
  return {
    provider,
    url,
    db,
    cleanup: () =>
      (cleaned ??= (async () => {
        await db.$disconnect();
        await remove();
      })()),
  };
}
