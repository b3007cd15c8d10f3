// `npm run db:migration:new -- <name>`: turns a change to prisma/schema.prisma into a new migration for
// BOTH providers, under the same directory name in prisma/migrations/sqlite and .../postgresql.
// Offline: Prisma's WebAssembly schema engine replays the existing migrations on a shadow database
// (in-memory SQLite; a temporary database on SHADOW_DATABASE_URL or TEST_POSTGRES_URL for PostgreSQL) and
// diffs the result against the schema. Review the SQL before committing, as with `prisma migrate dev`.
import path from 'node:path';
import { PROJECT_ROOT, type DbProvider } from '../../db/database-url';
import { migrationDirectoryName, writeMigration } from '../../db/migrations-dir';
import { migrationsDir } from '../../db/schema-source';
import { diffMigrationsToSchema } from '../../db/schema-diff';

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const draft = args.includes('--create-empty');
  const name = args.filter((a) => !a.startsWith('--')).join('_');
  if (!name) {
    console.error('usage: npm run db:migration:new -- <name> [--create-empty]');
    process.exit(2);
  }
  const directoryName = migrationDirectoryName(name);
  const postgresServerUrl = process.env.SHADOW_DATABASE_URL || process.env.TEST_POSTGRES_URL;
  const providers: DbProvider[] = ['sqlite', 'postgresql'];

  // Compute both before writing either, so a failure leaves the folders untouched.
  const diffs = await Promise.all(providers.map((p) => diffMigrationsToSchema(p, { postgresServerUrl })));
  if (diffs.every((d) => d.empty) && !draft) {
    console.log('No schema changes: the migrations already match prisma/schema.prisma. Nothing written.');
    return;
  }
  if (diffs.some((d) => d.empty) && !diffs.every((d) => d.empty)) {
    console.warn('Warning: only one provider has changes; check the migrations folders for manual edits.');
  }
  providers.forEach((provider, i) => {
    const diff = diffs[i]!;
    const script = diff.empty ? '-- This is an empty migration.\n' : diff.script;
    const dir = writeMigration(migrationsDir(provider), directoryName, script, provider);
    console.log(`Created ${path.relative(PROJECT_ROOT, dir)}/migration.sql`);
  });
}

main().catch((error: unknown) => {
  console.error(`db:migration:new failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
