// The application's database client: one Prisma client type for the whole code base, whichever database
// DATABASE_URL names. Prisma 7 generates a client per provider (each checks its adapter's provider), so
// both are generated from the same schema (npm run db:generate) and the one matching the URL is built here.
// The rest of the code sees the SQLite client's type: it is the stricter of the two (PostgreSQL-only query
// options such as `mode: 'insensitive'` are not in it), so code written against it runs on both.
import { PrismaClient as SqliteClient } from '../generated/prisma/sqlite/client';
import { PrismaClient as PostgresClient } from '../generated/prisma/postgresql/client';
import { createAdapterFactory } from './adapters';
import { resolveDatabaseUrl, type DbProvider } from './database-url';

export type { DbProvider } from './database-url';
export { Prisma } from '../generated/prisma/sqlite/client';
export type * from '../generated/prisma/sqlite/models';

export type Db = SqliteClient & { readonly provider: DbProvider };

/**
 * Interactive transactions wait longer than Prisma's defaults (2 s to start, 5 s to run): with SQLite the
 * API and the worker are separate processes sharing one write lock, and a sync page transaction can hold it
 * for a second or two under load, so a concurrent OAuth callback must queue rather than fail.
 */
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 60_000 };

/**
 * Builds a client for `databaseUrl` (default: DATABASE_URL semantics, see db/database-url.ts). It connects
 * lazily on the first query; call `$disconnect()` when done. It does not migrate: see db/migrate.ts.
 * `poolSize`: PostgreSQL connections of this client (DATABASE_POOL_SIZE); SQLite has one handle per client.
 */
export function createDb(databaseUrl?: string, options: { poolSize?: number } = {}): Db {
  const target = resolveDatabaseUrl(databaseUrl);
  const adapter = createAdapterFactory(target, options);
  const client =
    target.provider === 'sqlite'
      ? new SqliteClient({ adapter, transactionOptions: TRANSACTION_OPTIONS })
      : // Same schema, same models: only the provider differs (see the comment at the top).
        (new PostgresClient({ adapter, transactionOptions: TRANSACTION_OPTIONS }) as unknown as SqliteClient);
  Object.defineProperty(client, 'provider', { value: target.provider, enumerable: false });
  return client as Db;
}
