// Row-level security on PostgreSQL, as the roles production connects as (db/tenant-scope.ts): every table
// that carries an organization (or hangs from one that does) is covered; as the application role one
// organization can neither read nor write another's rows in any of them; without a declared organization
// nothing is visible; the session setting that used to mean "system scope" grants nothing; the system role
// sees everything; and the service's tenant-scoped client returns only its organization's rows.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { tenantScoped, withTenantScope } from '../../db/tenant-scope';
import { databaseRoleProblems } from '../../services/database-roles';
import { createDatabaseRoles, type DatabaseRoles } from '../helpers/database-roles';
import { createTestDatabase, postgresTestsSkipped, type TestDatabase } from '../helpers/database';

/** Every table and how a row of it is found for an organization (directly, or through its parent). */
const TABLES: Record<string, string> = {
  ce_organizations: `id = $1`,
  ce_module_settings: `organization_id = $1`,
  pf_credentials: `organization_id = $1`,
  ce_oauth_clients: `organization_id = $1`,
  ce_organization_connections: `organization_id = $1`,
  ce_oauth_states: `organization_id = $1`,
  ce_calendar_connections: `organization_id = $1`,
  ce_calendar_events: `organization_id = $1`,
  ce_activities: `organization_id = $1`,
  pf_notifications: `organization_id = $1`,
  ce_calendar_feeds: `organization_id = $1`,
  ce_idempotency_keys: `organization_id = $1`,
  ce_outbox_events: `organization_id = $1`,
  ce_webhook_endpoints: `organization_id = $1`,
  ce_follow_up_tasks: `organization_id = $1`,
  ce_webhook_deliveries: `endpoint_id IN (SELECT id FROM ce_webhook_endpoints WHERE organization_id = $1)`,
  ce_calendar_connection_calendars: `connection_id IN (SELECT id FROM ce_calendar_connections WHERE organization_id = $1)`,
  ce_calendar_push_channels: `connection_id IN (SELECT id FROM ce_calendar_connections WHERE organization_id = $1)`,
  ce_calendar_event_changes: `event_id IN (SELECT id FROM ce_calendar_events WHERE organization_id = $1)`,
  ce_calendar_event_conflicts: `event_id IN (SELECT id FROM ce_calendar_events WHERE organization_id = $1)`,
};

(postgresTestsSkipped() ? describe.skip : describe)('row-level security on PostgreSQL', () => {
  let database: TestDatabase;
  let roles: DatabaseRoles;
  let app: pg.Client;
  let system: pg.Client;
  let outsider: { client: pg.Client; name: string };

  async function seedOrganization(org: string) {
    const db = database.db;
    await db.organization.create({ data: { id: org } });
    await db.moduleSettings.create({ data: { organizationId: org } });
    const credential = await db.credential.create({
      data: {
        organizationId: org,
        kind: 'oauth_client_secret',
        keyId: 'k',
        wrappedKey: Buffer.from('w'),
        ciphertext: Buffer.from('c'),
        iv: Buffer.from('i'),
        authTag: Buffer.from('a'),
      },
    });
    await db.oAuthClient.create({
      data: { organizationId: org, provider: 'google', clientId: `${org}-client`, clientSecretCredentialId: credential.id },
    });
    await db.organizationConnection.create({
      data: {
        organizationId: org,
        provider: 'google',
        mode: 'full',
        googleDomain: `${org}.example.com`,
        serviceAccountKeyCredentialId: credential.id,
      },
    });
    await db.oAuthState.create({
      data: {
        stateHash: randomUUID(),
        organizationId: org,
        userId: 'u',
        provider: 'google',
        codeVerifier: 'v',
        redirectUri: 'r',
        expiresAt: new Date(),
      },
    });
    const connection = await db.calendarConnection.create({
      data: { organizationId: org, userId: 'u', provider: 'google', externalAccountEmail: `${org}@example.com` },
    });
    await db.connectionCalendar.create({ data: { connectionId: connection.id, externalCalendarId: 'primary', name: 'Primary' } });
    await db.pushChannel.create({
      data: {
        connectionId: connection.id,
        externalCalendarId: 'primary',
        providerChannelId: randomUUID(),
        tokenHash: 'h',
        expiresAt: new Date(),
      },
    });
    const activity = await db.crmActivity.create({
      data: { organizationId: org, ownerUserId: 'u', type: 'meeting', subject: 'S', startAt: new Date(), endAt: new Date() },
    });
    const event = await db.calendarEvent.create({
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
    await db.eventChange.create({ data: { eventId: event.id, direction: 'inbound', source: 'provider' } });
    await db.eventConflict.create({ data: { eventId: event.id, localVersion: '{}', remoteVersion: '{}', policy: 'manual' } });
    await db.notification.create({
      data: { organizationId: org, userId: 'u', type: 't', dedupeKey: randomUUID(), title: 'T', scheduledFor: new Date() },
    });
    await db.calendarFeed.create({ data: { organizationId: org, userId: 'u', visibility: 'private', tokenHash: randomUUID() } });
    await db.idempotencyKey.create({ data: { organizationId: org, userId: 'u', scope: 's', key: 'k', requestHash: 'h' } });
    const change = await db.outboxEvent.create({ data: { organizationId: org, type: 'event.created', data: '{}' } });
    const endpoint = await db.webhookEndpoint.create({
      data: { organizationId: org, url: 'https://crm.example.com/hooks', secretCredentialId: credential.id, createdBy: 'u' },
    });
    await db.webhookDelivery.create({
      data: { endpointId: endpoint.id, eventSequence: change.sequence, eventId: change.id, eventType: change.type },
    });
    await db.followUpTask.create({ data: { organizationId: org, eventId: event.id, title: 'T', assigneeUserId: 'u', createdBy: 'u' } });
  }

  beforeAll(async () => {
    database = await createTestDatabase({ provider: 'postgresql' });
    await seedOrganization('org-a');
    await seedOrganization('org-b');
    roles = await createDatabaseRoles(database);
    app = new pg.Client({ connectionString: roles.appUrl });
    system = new pg.Client({ connectionString: roles.systemUrl });
    // A role of the same cluster that is neither (a reporting tool, someone's psql).
    const name = `calsync_outsider_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await database.db.$executeRawUnsafe(`CREATE ROLE ${name} LOGIN PASSWORD '${password}' NOSUPERUSER NOBYPASSRLS`);
    await database.db.$executeRawUnsafe(`GRANT USAGE ON SCHEMA public TO ${name}`);
    await database.db.$executeRawUnsafe(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${name}`);
    const url = new URL(database.url);
    url.username = name;
    url.password = password;
    outsider = { client: new pg.Client({ connectionString: url.toString() }), name };
    await Promise.all([app.connect(), system.connect(), outsider.client.connect()]);
  });

  afterAll(async () => {
    await Promise.all([app?.end(), system?.end(), outsider?.client.end()]);
    if (outsider) {
      await database.db.$executeRawUnsafe(`DROP OWNED BY ${outsider.name}`);
      await database.db.$executeRawUnsafe(`DROP ROLE ${outsider.name}`);
    }
    await roles?.drop();
    await database?.cleanup();
  });

  const count = async (client: pg.Client, table: string, where = 'true', params: unknown[] = []) =>
    Number((await client.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params)).rows[0].n);
  const asOrganization = async <T>(client: pg.Client, org: string, fn: () => Promise<T>): Promise<T> => {
    await client.query('BEGIN');
    try {
      await client.query(`SELECT set_config('app.organization_id', $1, true)`, [org]);
      return await fn();
    } finally {
      await client.query('ROLLBACK');
    }
  };

  test('every table with an organization, or under one, has row-level security enabled, forced and both policies', async () => {
    const withOrganization = await database.db.$queryRawUnsafe<Array<{ table_name: string }>>(
      `SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'organization_id'`,
    );
    // No table that carries an organization is missing here (a new one must get its policies in its migration).
    for (const { table_name } of withOrganization) expect(Object.keys(TABLES)).toContain(table_name);
    const security = await database.db.$queryRawUnsafe<Array<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>>(
      `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY($1)`,
      Object.keys(TABLES),
    );
    expect(security).toHaveLength(Object.keys(TABLES).length);
    for (const table of security) expect(table).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
    const policies = await database.db.$queryRawUnsafe<Array<{ tablename: string; policyname: string; roles: string[] }>>(
      `SELECT tablename, policyname, roles::text[] AS roles FROM pg_policies WHERE schemaname = 'public'`,
    );
    for (const table of Object.keys(TABLES)) {
      expect(
        policies
          .filter((p) => p.tablename === table)
          .map((p) => `${p.policyname}:${p.roles.join(',')}`)
          .sort(),
      ).toEqual(['system_role:calsync_system', 'tenant_isolation:calsync_app']);
    }
  });

  test.each(Object.keys(TABLES))('%s: the application role sees and changes only its organization’s rows', async (table) => {
    const where = TABLES[table]!;
    // The rows exist (the superuser test connection is not subject to RLS).
    expect(await count(app, table)).toBe(0); // nothing without a declared organization
    await asOrganization(app, 'org-a', async () => {
      expect(await count(app, table)).toBe(await count(system, table, where, ['org-a']));
      expect(await count(app, table, where, ['org-b'])).toBe(0);
      const updated = await app.query(`DELETE FROM ${table} WHERE ${where}`, ['org-b']);
      expect(updated.rowCount).toBe(0);
    });
    expect(await count(system, table, where, ['org-b'])).toBeGreaterThan(0);
    // The session setting of the replaced policies grants nothing.
    await app.query('BEGIN');
    try {
      await app.query(`SELECT set_config('app.scope', 'system', true)`);
      expect(await count(app, table)).toBe(0);
    } finally {
      await app.query('ROLLBACK');
    }
  });

  test('the application role cannot write rows into another organization', async () => {
    // Moving a row of its own into another organization is refused too.
    await asOrganization(app, 'org-a', async () => {
      await expect(app.query(`UPDATE ce_calendar_feeds SET organization_id = 'org-b' WHERE organization_id = 'org-a'`)).rejects.toThrow(
        /row-level security/,
      );
    });
    await asOrganization(app, 'org-a', async () => {
      await expect(
        app.query(
          'INSERT INTO ce_calendar_connections (id, organization_id, user_id, provider, external_account_email, updated_at) ' +
            "VALUES ($1, 'org-b', 'x', 'google', 'x@example.com', now())",
          [randomUUID()],
        ),
      ).rejects.toThrow(/row-level security/);
    });
    await asOrganization(app, 'org-a', async () => {
      await expect(
        app.query(
          'INSERT INTO ce_idempotency_keys (id, organization_id, user_id, scope, key, request_hash) ' +
            "VALUES ($1, 'org-b', 'u', 's', 'k2', 'h')",
          [randomUUID()],
        ),
      ).rejects.toThrow(/row-level security/);
    });
  });

  test('the system role sees every organization; any other role sees nothing', async () => {
    for (const table of Object.keys(TABLES)) {
      expect(await count(system, table, TABLES[table], ['org-a'])).toBeGreaterThan(0);
      expect(await count(system, table, TABLES[table], ['org-b'])).toBeGreaterThan(0);
      expect(await count(outsider.client, table)).toBe(0);
    }
    await asOrganization(outsider.client, 'org-a', async () => {
      expect(await count(outsider.client, 'ce_calendar_events')).toBe(0);
    });
  });

  test("the service's tenant-scoped client returns only its organization's rows, whatever the query asks", async () => {
    const scoped = tenantScoped(roles.appDb, 'org-b');
    expect((await scoped.calendarConnection.findMany({ select: { organizationId: true } })).map((r) => r.organizationId)).toEqual([
      'org-b',
    ]);
    expect(await scoped.calendarEvent.findMany({ where: { organizationId: 'org-a' } })).toEqual([]);
    expect(await scoped.eventChange.count()).toBe(1);
    const inTransaction = await scoped.$transaction(async (tx) => tx.credential.count());
    expect(inTransaction).toBe(1);
    expect(await withTenantScope(roles.appDb, 'org-a', (tx) => tx.pushChannel.count())).toBe(1);
    // Unscoped, the application role's client sees nothing; the system role's everything.
    expect(await roles.appDb.calendarEvent.count()).toBe(0);
    expect(await roles.systemDb.calendarEvent.count()).toBe(2);
  });

  test('a production process would refuse the superuser, and each role for the other use', async () => {
    // A superuser counts as a member of every role, the system role included.
    expect(await databaseRoleProblems(database.db, 'application', 'DATABASE_URL')).toEqual([
      expect.stringContaining('superuser or BYPASSRLS'),
      expect.stringContaining('must not connect as a member of calsync_system'),
    ]);
    expect(await databaseRoleProblems(roles.appDb, 'application', 'DATABASE_URL')).toEqual([]);
    expect(await databaseRoleProblems(roles.systemDb, 'system', 'SYSTEM_DATABASE_URL')).toEqual([]);
    expect(await databaseRoleProblems(roles.appDb, 'system', 'SYSTEM_DATABASE_URL')).toEqual([expect.stringContaining('calsync_system')]);
    expect(await databaseRoleProblems(roles.systemDb, 'application', 'DATABASE_URL')).toEqual([
      expect.stringContaining('member of calsync_app'),
      expect.stringContaining('must not connect as a member of calsync_system'),
    ]);
  });
});
