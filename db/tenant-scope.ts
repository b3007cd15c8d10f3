// Row-level security scopes (PostgreSQL; prisma/migrations/postgresql/*_row_level_security). Every table
// that carries an organization has policies; which rows a session sees depends on its database ROLE:
//
//  * calsync_app (the application role the API connects as, through DATABASE_URL): only the rows of the
//    organization its transaction declared with set_config('app.organization_id', <org>, true); nothing
//    without one. The API reads and writes tenant data only through tenantScoped(db, org) below.
//  * calsync_system (the worker, and the API's few cross-tenant lookups: webhooks by channel id, feeds and
//    OAuth states by the hash of their secret, through SYSTEM_DATABASE_URL): every row. A role, granted by
//    the database administrator, not a setting any session could set for itself.
//  * any other role (psql, a reporting tool): only what its own grants and the policies give, which is
//    nothing of these tables.
// Superusers and BYPASSRLS roles ignore all of this: production refuses to run the API as one
// (config/database-roles.ts). On SQLite (no RLS) tenantScoped returns the client itself, and the queries'
// WHERE clauses are the only isolation.
import type { Db } from './client';

export const ORGANIZATION_SETTING = 'app.organization_id';

/** Runs fn in a transaction whose every statement sees only `organizationId`'s rows (PostgreSQL). */
export async function withTenantScope<T>(db: Db, organizationId: string, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (db.provider !== 'postgresql') return fn(db);
  return db.$transaction(async (tx) => {
    // `true`: local to this transaction, so a pooled connection never keeps a tenant's scope.
    await tx.$queryRaw`SELECT set_config('app.organization_id', ${organizationId}, true)`;
    return fn(tx as unknown as Db);
  });
}

const isDelegate = (value: unknown): value is Record<string, (...args: unknown[]) => unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { findMany?: unknown }).findMany === 'function';

const RAW = new Set(['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe']);

/**
 * The client as one organization sees it: each query runs in a short transaction that first declares the
 * organization (Prisma's documented pattern for row-level security), interactive transactions declare it
 * once at their start, and batches get it prepended. On SQLite, the client itself.
 */
export function tenantScoped(db: Db, organizationId: string): Db {
  if (db.provider !== 'postgresql') return db;
  const declare = () => db.$executeRaw`SELECT set_config('app.organization_id', ${organizationId}, true)`;
  const inScope = async (query: unknown): Promise<unknown> => {
    const [, result] = await db.$transaction([declare(), query as ReturnType<typeof declare>]);
    return result;
  };
  const delegates = new Map<PropertyKey, unknown>();
  return new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === '$transaction') {
        return async (arg: unknown, options?: unknown) => {
          if (typeof arg === 'function') return withTenantScope(target, organizationId, arg as (tx: Db) => Promise<unknown>);
          const batch = [declare(), ...(arg as Array<ReturnType<typeof declare>>)];
          return (await target.$transaction(batch, options as never)).slice(1);
        };
      }
      if (RAW.has(property as string)) {
        return (...args: unknown[]) => inScope((value as (...a: unknown[]) => unknown).apply(target, args));
      }
      if (!isDelegate(value)) return value;
      if (!delegates.has(property)) {
        delegates.set(
          property,
          new Proxy(value, {
            get(model, operation, modelReceiver) {
              const method = Reflect.get(model, operation, modelReceiver) as unknown;
              if (typeof method !== 'function') return method;
              return (...args: unknown[]) => inScope((method as (...a: unknown[]) => unknown).apply(model, args));
            },
          }),
        );
      }
      return delegates.get(property);
    },
  }) as Db;
}
