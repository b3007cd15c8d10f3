// Row-level security binds only when the service connects as the roles it was written for (db/tenant-scope.ts):
// the API's DATABASE_URL as a member of calsync_app and of nothing that sees more, the worker's (and the
// API's SYSTEM_DATABASE_URL) as a member of calsync_system; never as a superuser or a BYPASSRLS role, for
// which PostgreSQL skips every policy. A production process checks this at start and refuses to run otherwise.
import type { Db } from '../db/client';

export type DatabaseRole = 'application' | 'system';

interface RoleFacts {
  name: string;
  superuser: boolean;
  bypassesRls: boolean;
  app: boolean;
  system: boolean;
}

/** What is wrong with the role `db` connects as, for `expected` use (empty: fine; SQLite has no roles). */
export async function databaseRoleProblems(db: Db, expected: DatabaseRole, variable: string): Promise<string[]> {
  if (db.provider !== 'postgresql') return [];
  const [facts] = await db.$queryRaw<RoleFacts[]>`
    SELECT current_user AS name, r.rolsuper AS superuser, r.rolbypassrls AS "bypassesRls",
      pg_has_role(current_user, 'calsync_app', 'USAGE') AS app, pg_has_role(current_user, 'calsync_system', 'USAGE') AS system
    FROM pg_roles r WHERE r.rolname = current_user`;
  if (!facts) return [`${variable}: cannot read the role it connects as`];
  const problems: string[] = [];
  if (facts.superuser || facts.bypassesRls) {
    problems.push(`${variable} connects as ${facts.name}, a superuser or BYPASSRLS role: row-level security would not apply`);
  }
  if (expected === 'application') {
    if (!facts.app) problems.push(`${variable} must connect as a member of calsync_app (the application role)`);
    if (facts.system) problems.push(`${variable} must not connect as a member of calsync_system: it would see every organization`);
  } else if (!facts.system) {
    problems.push(`${variable} must connect as a member of calsync_system (the system role)`);
  }
  return problems;
}
