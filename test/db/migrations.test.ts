// Migrations apply from empty, record themselves exactly as `prisma migrate deploy` does, are idempotent,
// and survive concurrent callers in one process and across processes, on SQLite and PostgreSQL.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../db/database-url';
import { applyMigrations } from '../../db/migrate';
import { migrationsDir } from '../../db/schema-source';
import { createTestDatabase, testProviders, type TestDatabase } from '../helpers/database';

const run = promisify(execFile);

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
  applied_steps_count: number | bigint;
}

describe.each(testProviders())('migrations on %s', (provider) => {
  const dir = migrationsDir(provider);
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const checksum = (name: string) =>
    createHash('sha256')
      .update(fs.readFileSync(path.join(dir, name, 'migration.sql')))
      .digest('hex');

  let databases: TestDatabase[] = [];
  const emptyDatabase = async () => {
    const database = await createTestDatabase({ provider, migrate: false });
    databases.push(database);
    return database;
  };
  const recorded = (database: TestDatabase) =>
    database.db.$queryRawUnsafe<MigrationRow[]>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );

  afterEach(async () => {
    await Promise.all(databases.map((d) => d.cleanup()));
    databases = [];
  });

  test('the folder holds at least one migration and a lockfile for this provider', () => {
    expect(names.length).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(dir, 'migration_lock.toml'), 'utf8')).toContain(`provider = "${provider}"`);
  });

  test('apply from empty, then a second apply is a no-op', async () => {
    const database = await emptyDatabase();
    expect(await applyMigrations(database.url)).toEqual({ provider, applied: names });
    expect(await applyMigrations(database.url)).toEqual({ provider, applied: [] });

    const rows = await recorded(database);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      // What prisma migrate deploy writes: the SHA-256 of migration.sql, finished, not rolled back.
      expect(row.checksum).toBe(checksum(row.migration_name));
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(Number(row.applied_steps_count)).toBe(1);
    }
    // The schema is really there.
    expect(await database.db.organization.count()).toBe(0);
  });

  test('concurrent calls in one process apply each migration once', async () => {
    const database = await emptyDatabase();
    const results = await Promise.all([1, 2, 3].map(() => applyMigrations(database.url)));
    expect(results.flatMap((r) => r.applied).sort()).toEqual(names);
    expect((await recorded(database)).map((r) => r.migration_name)).toEqual(names);
  });

  test('two processes migrating at once both succeed and apply each migration once', async () => {
    const database = await emptyDatabase();
    const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
    const migrateInChild = () =>
      run(tsx, [path.join(PROJECT_ROOT, 'scripts', 'db', 'migrate.ts')], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, DATABASE_URL: database.url },
      });
    const outputs = await Promise.all([migrateInChild(), migrateInChild()]);
    const said = outputs.map((o) => o.stdout).join('\n');
    // Exactly one of them did the work; the other found the database up to date.
    expect(said.match(/applied \d+ migration/g)).toHaveLength(1);
    expect(said).toContain('already up to date');
    expect((await recorded(database)).map((r) => r.migration_name)).toEqual(names);
  });
});

test('the SQLite database directory is created when missing', async () => {
  const database = await createTestDatabase({ provider: 'sqlite', migrate: false });
  try {
    const nested = path.join(path.dirname(database.url.replace(/^file:/, '')), 'a', 'b', 'calendar.db');
    const result = await applyMigrations(`file:${nested}`);
    expect(result.applied.length).toBeGreaterThan(0);
    expect(fs.existsSync(nested)).toBe(true);
  } finally {
    await database.cleanup();
  }
});
