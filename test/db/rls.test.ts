// Row-level security on PostgreSQL (prisma/migrations/postgresql/*_row_level_security, db/tenant-scope.ts),
// checked as an ordinary database role (superusers bypass RLS, so the test's own connection proves nothing):
// no scope -> no rows; an organization's scope -> only its rows, and no writes into another organization;
// system scope -> every row; and the service's client (system scope per session) narrowed by
// withTenantScope returns only the organization's rows whatever the query asks for.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../../db/client';
import { withTenantScope } from '../../db/tenant-scope';
import { createTestDatabase, postgresTestsSkipped, type TestDatabase } from '../helpers/database';

const TABLES = ['ce_calendar_connections', 'ce_calendar_events', 'ce_activities', 'ce_calendar_push_channels'];

(postgresTestsSkipped() ? describe.skip : describe)('row-level security on PostgreSQL', () => {
  let database: TestDatabase;
  let role: string;
  let roleUrl: string;
  let client: pg.Client;
  let appDb: Db;

  async function seedOrganization(org: string, connections: number) {
    const db = database.db;
    await db.organization.create({ data: { id: org } });
    for (let i = 0; i < connections; i += 1) {
      const connection = await db.calendarConnection.create({
        data: { organizationId: org, userId: `u${i}`, provider: 'google', externalAccountEmail: `${org}-${i}@example.com` },
      });
      const activity = await db.crmActivity.create({
        data: { organizationId: org, ownerUserId: `u${i}`, type: 'meeting', subject: 'S', startAt: new Date(), endAt: new Date() },
      });
      await db.calendarEvent.create({
        data: {
          organizationId: org,
          connectionId: connection.id,
          externalCalendarId: 'primary',
          externalEventId: randomUUID(),
          contentHash: 'h',
          syncDirection: 'outbound',
          status: 'confirmed',
          startAt: new Date(),
          endAt: new Date(),
          activityId: activity.id,
        },
      });
      await db.pushChannel.create({
        data: {
          connectionId: connection.id,
          externalCalendarId: 'primary',
          providerChannelId: randomUUID(),
          tokenHash: 'h',
          expiresAt: new Date(),
        },
      });
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase({ provider: 'postgresql' });
    await seedOrganization('org-a', 2);
    await seedOrganization('org-b', 3);
    role = `calsync_rls_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await database.db.$executeRawUnsafe(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' NOSUPERUSER NOBYPASSRLS`);
    await database.db.$executeRawUnsafe(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await database.db.$executeRawUnsafe(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    const url = new URL(database.url);
    url.username = role;
    url.password = password;
    roleUrl = url.toString();
    client = new pg.Client({ connectionString: roleUrl });
    await client.connect();
    appDb = createDb(roleUrl);
  });

  afterAll(async () => {
    await client?.end();
    await appDb?.$disconnect();
    if (role) {
      await database.db.$executeRawUnsafe(`DROP OWNED BY ${role}`);
      await database.db.$executeRawUnsafe(`DROP ROLE ${role}`);
    }
    await database?.cleanup();
  });

  const counts = async (run: (sql: string) => Promise<pg.QueryResult>) => {
    const result: Record<string, number> = {};
    for (const table of TABLES) result[table] = Number((await run(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);
    return result;
  };
  const inTransaction = async <T>(settings: Record<string, string>, fn: () => Promise<T>): Promise<T> => {
    await client.query('BEGIN');
    try {
      for (const [name, value] of Object.entries(settings)) await client.query('SELECT set_config($1, $2, true)', [name, value]);
      return await fn();
    } finally {
      await client.query('ROLLBACK');
    }
  };

  test('every covered table has RLS enabled and forced', async () => {
    const rows = await database.db.$queryRawUnsafe<Array<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>>(
      'SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class ' +
        `WHERE relname IN (${TABLES.map((t) => `'${t}'`).join(', ')}) ORDER BY relname`,
    );
    expect(rows).toHaveLength(TABLES.length);
    expect(rows.every((r) => r.relrowsecurity && r.relforcerowsecurity)).toBe(true);
  });

  test('without an organization (or system scope) a query returns nothing', async () => {
    // The rows are there (the superuser test connection bypasses RLS)...
    expect(await database.db.calendarConnection.count()).toBe(5);
    // ...but an ordinary role that declared nothing sees none of them.
    expect(await counts((sql) => client.query(sql))).toEqual(Object.fromEntries(TABLES.map((t) => [t, 0])));
    expect((await client.query(`SELECT count(*)::int AS n FROM ce_calendar_connections WHERE organization_id = 'org-b'`)).rows[0].n).toBe(
      0,
    );
  });

  test("with the organization set, only that organization's rows, and no writes into another", async () => {
    const seen = await inTransaction({ 'app.organization_id': 'org-a' }, () => counts((sql) => client.query(sql)));
    expect(seen).toEqual({ ce_calendar_connections: 2, ce_calendar_events: 2, ce_activities: 2, ce_calendar_push_channels: 2 });
    const orgs = await inTransaction({ 'app.organization_id': 'org-a' }, () =>
      client.query('SELECT DISTINCT organization_id FROM ce_calendar_connections'),
    );
    expect(orgs.rows).toEqual([{ organization_id: 'org-a' }]);
    // Asking for another organization's rows explicitly still gives nothing.
    const other = await inTransaction({ 'app.organization_id': 'org-a' }, () =>
      client.query(`SELECT id FROM ce_calendar_connections WHERE organization_id = 'org-b'`),
    );
    expect(other.rows).toEqual([]);
    // Updating them changes nothing; inserting into another organization is refused.
    const updated = await inTransaction({ 'app.organization_id': 'org-a' }, () =>
      client.query(`UPDATE ce_calendar_connections SET status = 'error' WHERE organization_id = 'org-b'`),
    );
    expect(updated.rowCount).toBe(0);
    await expect(
      inTransaction({ 'app.organization_id': 'org-a' }, () =>
        client.query(
          'INSERT INTO ce_calendar_connections (id, organization_id, user_id, provider, external_account_email, updated_at) ' +
            "VALUES ($1, 'org-b', 'x', 'google', 'x@example.com', now())",
          [randomUUID()],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    // The setting is transaction-local: after the transaction, nothing again.
    expect((await client.query('SELECT count(*)::int AS n FROM ce_calendar_connections')).rows[0].n).toBe(0);
  });

  test('system scope sees every organization', async () => {
    const seen = await inTransaction({ 'app.scope': 'system' }, () => counts((sql) => client.query(sql)));
    expect(seen).toEqual({ ce_calendar_connections: 5, ce_calendar_events: 5, ce_activities: 5, ce_calendar_push_channels: 5 });
  });

  test("the service's client: system scope per session, narrowed to one organization by withTenantScope", async () => {
    // The worker's view (system scope from the pool's connection options).
    expect(await appDb.calendarConnection.count()).toBe(5);
    // An API handler's view: only its organization, even when its query asks for another one.
    const own = await withTenantScope(appDb, 'org-b', (tx) => tx.calendarConnection.findMany({ select: { organizationId: true } }));
    expect(own.map((r) => r.organizationId)).toEqual(['org-b', 'org-b', 'org-b']);
    const foreign = await withTenantScope(appDb, 'org-b', (tx) => tx.calendarEvent.findMany({ where: { organizationId: 'org-a' } }));
    expect(foreign).toEqual([]);
    // The tenant scope ended with its transaction: the pooled session is back in system scope.
    expect(await appDb.calendarEvent.count()).toBe(5);
  });
});
