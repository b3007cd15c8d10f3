// The PostgreSQL driver adapter factory, with two fixes to @prisma/adapter-pg 7.10 that the schema engine
// (db/migrate.ts, db/schema-diff.ts) needs:
//  1. Its connectToShadowDb() creates a temporary database but connects with `{ ...config, database }`;
//     node-postgres lets a connectionString override `database`, so with a URL config the "shadow" work
//     (replaying every migration) lands in the MAIN database. We create and drop the shadow ourselves.
//  2. It rejects result columns of PostgreSQL's internal one-byte type "char" (oid 18: pg_constraint.contype,
//     pg_class.relkind, ...), which the engine's schema describer reads. node-postgres already returns
//     them as strings, so we report them as text.
//  3. Its executeScript() (how the engine applies a migration.sql) splits the script on every ";", inside
//     comments, strings and dollar-quoted function bodies too, so a migration with a DO block breaks. The
//     script is sent whole instead: PostgreSQL's simple query protocol runs several statements in one
//     query, as `psql -f` and the prisma CLI's own engine do.
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { createPostgresDatabase, dropPostgresDatabase, withDatabase } from './postgres-admin';

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

function charAsText(res: pg.QueryResult | undefined): void {
  for (const field of res?.fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
}

class CharAsTextClient extends pg.Client {
  // node-postgres' query() has many overloads: the adapter calls pool.query(config), which pg-pool turns
  // into client.query(config, undefined, callback); a direct client.query(config) returns a promise.
  override query(...args: unknown[]): never {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: unknown, res: pg.QueryResult) => {
        if (!error) charAsText(res);
        (callback as (e: unknown, r: unknown) => void)(error, res);
      };
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) {
      return result.then((res: pg.QueryResult) => {
        charAsText(res);
        return res;
      }) as never;
    }
    return result as never;
  }
}

/** Connections per pool when DATABASE_POOL_SIZE does not say (node-postgres' own default). */
export const DEFAULT_POOL_SIZE = 10;

function poolConfig(url: string, poolSize = DEFAULT_POOL_SIZE): pg.PoolConfig {
  // What a session may see is its role's business (db/tenant-scope.ts): nothing is declared at connect time.
  // A caller waits for a free connection rather than failing: bounded by Prisma's transaction maxWait.
  return { connectionString: url, Client: CharAsTextClient, max: poolSize } as pg.PoolConfig;
}

type ConnectedAdapter = Awaited<ReturnType<PrismaPg['connect']>>;

function withWholeScripts<A extends ConnectedAdapter>(adapter: A): A {
  const driver = adapter.underlyingDriver() as pg.Pool;
  const onError = (adapter as unknown as { onError(error: unknown): never }).onError.bind(adapter);
  adapter.executeScript = async (script: string) => {
    try {
      await driver.query(script);
    } catch (error) {
      onError(error);
    }
  };
  return adapter;
}

export function createPostgresAdapterFactory(url: string, options: { poolSize?: number } = {}): SqlMigrationAwareDriverAdapterFactory {
  const main = new PrismaPg(poolConfig(url, options.poolSize));
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: async () => withWholeScripts(await main.connect()),
    connectToShadowDb: async () => {
      const shadowName = `prisma_migrate_shadow_db_${randomUUID().replace(/-/g, '')}`;
      await createPostgresDatabase(url, shadowName);
      const shadow = withWholeScripts(await new PrismaPg(poolConfig(withDatabase(url, shadowName))).connect());
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        await dropPostgresDatabase(url, shadowName);
      };
      return shadow;
    },
  };
}
