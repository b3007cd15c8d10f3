// Row-level security scopes (PostgreSQL; prisma/migrations/postgresql/*_row_level_security). Policies on
// ce_calendar_connections, ce_calendar_events, ce_activities and ce_calendar_push_channels show a row only
// to a transaction that declared the row's organization, or to a session/transaction in system scope.
//
//  * The service's own pool is in system scope from connect time (SYSTEM_SCOPE_CONNECTION_OPTIONS, used by
//    db/postgres-adapter.ts): the worker, webhooks, the OAuth callback and the vault migration work across
//    organizations by connection id, and their queries filter by id themselves.
//  * withTenantScope(db, org, fn) runs fn in a transaction that drops system scope and declares `org`:
//    there the database itself returns only that organization's rows, whatever fn's WHERE says. API
//    handlers reading tenant data use it.
//  * Any other session (another role, psql, a reporting tool) declares nothing and sees no rows.
// On SQLite (no RLS) withTenantScope just runs fn on the client: the WHERE clauses are the only isolation.
import type { Db } from './client';

export const SCOPE_SETTING = 'app.scope';
export const ORGANIZATION_SETTING = 'app.organization_id';

/** node-postgres `options`: the session starts in system scope. */
export const SYSTEM_SCOPE_CONNECTION_OPTIONS = `-c ${SCOPE_SETTING}=system`;

export async function withTenantScope<T>(db: Db, organizationId: string, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (db.provider !== 'postgresql') return fn(db);
  return db.$transaction(async (tx) => {
    // `true`: local to this transaction, so a pooled connection never keeps a tenant's scope.
    await tx.$queryRaw`SELECT set_config('app.scope', 'tenant', true), set_config('app.organization_id', ${organizationId}, true)`;
    return fn(tx as unknown as Db);
  });
}
