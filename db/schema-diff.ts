// What SQL would take a database built from the committed migrations to what prisma/schema.prisma says:
// the body of the next migration (scripts/db/new-migration.ts) and the drift check (test/db). The
// migrations are replayed on a throwaway shadow database: in-memory for SQLite; for PostgreSQL a temporary
// database created and dropped on the server `postgresServerUrl` names.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DbProvider } from './database-url';
import { createPostgresAdapterFactory } from './postgres-adapter';
import { lockfileContent, readMigrationsList } from './migrations-dir';
import { migrationsDir } from './schema-source';
import { NO_FILTERS, withSchemaEngine } from './schema-engine/engine';

export interface SchemaDiff {
  /** True when the migrations already produce exactly the schema. */
  empty: boolean;
  /** The SQL script (Prisma's migration.sql format); meaningless when `empty`. */
  script: string;
}

export async function diffMigrationsToSchema(
  provider: DbProvider,
  options: { postgresServerUrl?: string; migrationsPath?: string } = {},
): Promise<SchemaDiff> {
  const factory =
    provider === 'sqlite'
      ? withMultiStatementShadow(new PrismaBetterSqlite3({ url: ':memory:' }))
      : createPostgresAdapterFactory(requireServer(options.postgresServerUrl));
  const migrationsList = readMigrationsList(options.migrationsPath ?? migrationsDir(provider));
  // Before the first migration there is no lockfile, but the engine reads the connector from it.
  migrationsList.lockfile.content ??= lockfileContent(provider);
  return withSchemaEngine(provider, factory, async (engine, schema) => {
    const result = await engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [schema] },
      script: true,
      exitCode: true, // exit code 2 <=> the diff is not empty
      filters: NO_FILTERS,
    });
    return { empty: result.exitCode === 0, script: result.stdout ?? '' };
  });
}

/**
 * The engine replays each migration.sql on the SQLite shadow database as ONE raw query, which better-sqlite3
 * refuses ("contains more than one statement"): it only runs scripts through exec(). So a parameterless
 * raw query that is a script is sent to executeScript instead. (Applying migrations to a real database
 * already goes through executeScript.)
 */
function withMultiStatementShadow(inner: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  const isScriptRefusal = (error: unknown) => /more than one statement/.test(JSON.stringify(error) + String(error));
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => inner.connect(),
    connectToShadowDb: async () => {
      const shadow = await inner.connectToShadowDb();
      const { executeRaw, queryRaw } = shadow;
      shadow.executeRaw = async (query) => {
        try {
          return await executeRaw.call(shadow, query);
        } catch (error) {
          if (query.args.length > 0 || !isScriptRefusal(error)) throw error;
          await shadow.executeScript(query.sql);
          return 0;
        }
      };
      shadow.queryRaw = async (query) => {
        try {
          return await queryRaw.call(shadow, query);
        } catch (error) {
          if (query.args.length > 0 || !isScriptRefusal(error)) throw error;
          await shadow.executeScript(query.sql);
          return { columnNames: [], columnTypes: [], rows: [] };
        }
      };
      return shadow;
    },
  };
}

function requireServer(url: string | undefined): string {
  if (!url) {
    throw new Error(
      'PostgreSQL migrations are computed on a shadow database: set SHADOW_DATABASE_URL (or TEST_POSTGRES_URL) ' +
        'to a server where the user may create databases, e.g. the one `bash scripts/postgres-local.sh` starts',
    );
  }
  return url;
}
