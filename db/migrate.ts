// Applies the committed migrations for the database DATABASE_URL names: the programmatic, offline
// equivalent of `prisma migrate deploy`. The same Prisma schema engine (its WebAssembly build) runs the
// same migration files and records them in `_prisma_migrations` the same way, so either tool can take
// over from the other. Idempotent (applied migrations are skipped) and safe to call from several
// processes at once (db/migration-lock.ts).
import fs from 'node:fs';
import path from 'node:path';
import { createAdapterFactory } from './adapters';
import { resolveDatabaseUrl, type DbProvider } from './database-url';
import { readMigrationsList } from './migrations-dir';
import { ensurePostgresDatabase } from './postgres-admin';
import { withMigrationLock } from './migration-lock';
import { migrationsDir } from './schema-source';
import { NO_FILTERS, withSchemaEngine } from './schema-engine/engine';

export interface ApplyMigrationsResult {
  provider: DbProvider;
  /** Names of the migrations this call applied; empty when the database was already up to date. */
  applied: string[];
}

export async function applyMigrations(databaseUrl?: string): Promise<ApplyMigrationsResult> {
  const target = resolveDatabaseUrl(databaseUrl);
  if (target.provider === 'postgresql') await ensurePostgresDatabase(target.url);
  else fs.mkdirSync(path.dirname(target.filePath), { recursive: true });
  const migrationsList = readMigrationsList(migrationsDir(target.provider));
  if (migrationsList.migrationDirectories.length === 0) {
    throw new Error(`no migrations found in ${migrationsList.baseDir}`);
  }
  return withMigrationLock(target, () =>
    withSchemaEngine(target.provider, createAdapterFactory(target), async (engine) => {
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
      return { provider: target.provider, applied: appliedMigrationNames };
    }),
  );
}
