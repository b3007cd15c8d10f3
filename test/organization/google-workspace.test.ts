// Organization-wide Google connection on the real stack: a sandbox Workspace domain with 5 users, a service
// account with domain-wide delegation (the fake's JWT-bearer grant), an admin enrolling everyone through the
// API; each user's connection syncs and schedules like any other, a freebusy-only organization refuses
// writes, a withdrawn delegation flags all of them with one alert, and a viewer sees and changes nothing.
import { PERMISSIONS } from '../../api/auth/permissions';
import { call, connectThroughApi, tokenFor } from '../api/api-client';
import { postgresTestsSkipped } from '../helpers/database';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const DOMAIN = 'acme-workspace.example';
const SCOPES = [
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.readonly',
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
];
const ORG = 'acme';

let stack: TestStack;
let admin: string;
let viewer: string;
let users: string[];
let clientId: string;
let keyFile: Record<string, string>;

const inHours = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
const meeting = (hours: number) => ({ title: 'Org demo', start: inHours(hours), durationMinutes: 30, timeZone: 'UTC', attendees: [] });
const userToken = (email: string) =>
  stack.signToken({ org: ORG, user: email, permissions: [PERMISSIONS.view, PERMISSIONS.schedule, PERMISSIONS.connect] });

async function connectionsOf(email: string) {
  const response = await call(stack, 'GET', '/v1/connections', { token: await userToken(email) });
  return response.body.connections as Array<Record<string, any>>;
}

async function putGoogle(mode: 'full' | 'freebusy') {
  return call(stack, 'PUT', '/v1/organization-connections/google', {
    token: admin,
    body: { serviceAccountKey: keyFile, domain: DOMAIN, mode, adminEmail: users[0] },
  });
}

// On PostgreSQL the API connects as the application role: row-level security binds every query.
const VARIANTS = postgresTestsSkipped() ? (['sqlite'] as const) : (['sqlite', 'postgresql'] as const);

describe.each(VARIANTS)('Google Workspace organization connection (%s)', (provider) => {
  beforeAll(async () => {
    stack = await startTestStack(provider === 'postgresql' ? { provider, databaseRoles: true } : {});
    users = stack.google.createWorkspaceDomain(DOMAIN, { count: 5, eventsPerUser: 3 }).users;
    const registered = stack.google.registerServiceAccount({ clientEmail: 'calendar-sync@acme-project.iam.gserviceaccount.com' });
    clientId = registered.clientId;
    keyFile = registered.keyFile as unknown as Record<string, string>;
    stack.google.grantDomainWideDelegation(DOMAIN, clientId, SCOPES);
    admin = await tokenFor(stack, ORG, 'admin');
    viewer = await stack.signToken({ org: ORG, user: 'viewer', permissions: [PERMISSIONS.view] });
  }, 120_000);
  afterAll(() => stack?.close());

  it('is for admins only: a viewer can neither see nor change it', async () => {
    expect((await call(stack, 'GET', '/v1/organization-connections', { token: viewer })).status).toBe(403);
    const put = await call(stack, 'PUT', '/v1/organization-connections/google', {
      token: viewer,
      body: { serviceAccountKey: keyFile, domain: DOMAIN, mode: 'full' },
    });
    expect(put.status).toBe(403);
    expect(put.body.error.message).toContain('ce.calendar.admin');
    expect((await call(stack, 'POST', '/v1/organization-connections/google/users', { token: viewer, body: { all: true } })).status).toBe(
      403,
    );
    expect((await call(stack, 'DELETE', '/v1/organization-connections/google', { token: viewer })).status).toBe(403);
    expect(await stack.deps.db.organizationConnection.count()).toBe(0);
  });

  it('refuses bad input naming the field', async () => {
    const badKey = await call(stack, 'PUT', '/v1/organization-connections/google', {
      token: admin,
      body: { serviceAccountKey: { ...keyFile, private_key: 'nope' }, domain: DOMAIN, mode: 'full' },
    });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.message).toContain('body.serviceAccountKey.private_key');
    const badMode = await call(stack, 'PUT', '/v1/organization-connections/google', {
      token: admin,
      body: { serviceAccountKey: keyFile, domain: DOMAIN, mode: 'everything' },
    });
    expect(badMode.status).toBe(400);
    expect(badMode.body.error.message).toContain('body.mode');
    const elsewhere = await call(stack, 'PUT', '/v1/organization-connections/google', {
      token: admin,
      body: { serviceAccountKey: { ...keyFile, token_uri: 'https://attacker.example/token' }, domain: DOMAIN, mode: 'full' },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.message).toContain('token_uri');
    const tooMany = await call(stack, 'POST', '/v1/organization-connections/google/users', {
      token: admin,
      body: { emails: Array.from({ length: 101 }, (_, i) => `u${i}@${DOMAIN}`) },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain('100');
  });

  it('saves the key write-only and enrols the whole domain: every user syncs and can schedule', async () => {
    const saved = await putGoogle('full');
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ provider: 'google', mode: 'full', status: 'active', google: { domain: DOMAIN } });
    expect(saved.text).not.toContain(keyFile.private_key!.slice(40, 80));
    const listed = await call(stack, 'GET', '/v1/organization-connections', { token: admin });
    expect(listed.text).not.toContain('PRIVATE KEY');
    const credential = await stack.deps.db.credential.findFirstOrThrow({ where: { kind: 'service_account_key' } });
    expect(Buffer.from(credential.ciphertext).toString('latin1')).not.toContain('PRIVATE KEY');

    const enrolled = await call(stack, 'POST', '/v1/organization-connections/google/users', { token: admin, body: { all: true } });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.enrolled.map((e: any) => e.email).sort()).toEqual([...users].sort());
    for (const email of users) {
      await waitFor(
        () => connectionsOf(email),
        (list) => list.length === 1 && list[0]!.lastSync?.outcome === 'ok' && list[0]!.syncedEvents >= 3,
        { timeoutMs: 60_000, what: `${email} synced` },
      );
    }
    const [one] = await connectionsOf(users[1]!);
    expect(one).toMatchObject({ managedBy: 'organization', accountEmail: users[1], status: 'active' });
    const scheduled = await call(stack, 'POST', `/v1/connections/${one!.id}/meetings`, {
      token: await userToken(users[1]!),
      body: meeting(30),
      headers: { 'idempotency-key': 'org-meeting-0001' },
    });
    expect(scheduled.status).toBe(201);
    const again = await call(stack, 'POST', '/v1/organization-connections/google/users', { token: admin, body: { emails: [users[2]] } });
    expect(again.body.enrolled).toEqual([expect.objectContaining({ email: users[2], alreadyEnrolled: true })]);
    expect(
      (await call(stack, 'GET', '/v1/organization-connections', { token: admin })).body.organizationConnections[0].connections,
    ).toEqual({
      active: 5,
    });
  }, 180_000);

  it('keeps users from removing or duplicating an organization-managed connection', async () => {
    const email = users[3]!;
    const [connection] = await connectionsOf(email);
    const removed = await call(stack, 'DELETE', `/v1/connections/${connection!.id}`, { token: await userToken(email) });
    expect(removed.status).toBe(403);
    expect(removed.body.error.code).toBe('organization_managed');
    const reconnect = await call(stack, 'POST', `/v1/connections/${connection!.id}/reconnect`, { token: await userToken(email) });
    expect(reconnect.status).toBe(403);
    // The same account connected by someone through OAuth as well: refused, it syncs already.
    await expect(connectThroughApi(stack, { token: await userToken('someone'), provider: 'google', email })).rejects.toThrow(
      /409.*account_managed_by_organization/,
    );
  });

  it('freebusy mode: availability only, writes refused with a clear error', async () => {
    expect((await putGoogle('freebusy')).body.mode).toBe('freebusy');
    const [connection] = await connectionsOf(users[1]!);
    const refused = await call(stack, 'POST', `/v1/connections/${connection!.id}/meetings`, {
      token: await userToken(users[1]!),
      body: meeting(40),
      headers: { 'idempotency-key': 'org-meeting-0002' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('availability_only');
    expect(refused.body.error.message).toContain('freebusy');
    const busy = await call(stack, 'POST', '/v1/freebusy', {
      token: await userToken(users[1]!),
      body: { emails: [users[1]], from: inHours(-1), to: inHours(48) },
    });
    expect(busy.status).toBe(200);
    expect((await putGoogle('full')).body.mode).toBe('full');
  }, 60_000);

  it('a withdrawn delegation flags every connection once, with the admin action; granting it again resumes them', async () => {
    stack.google.withdrawDomainWideDelegation(DOMAIN, clientId);
    // Issued tokens live on at Google: the next token a connection needs is refused.
    const [first] = await connectionsOf(users[0]!);
    await stack.deps.db.calendarConnection.update({ where: { id: first!.id }, data: { tokenExpiresAt: null } });
    await call(stack, 'POST', `/v1/connections/${first!.id}/sync`, { token: await userToken(users[0]!) });
    const rows = await waitFor(
      () => stack.deps.db.calendarConnection.findMany({ where: { organizationConnectionId: { not: null } } }),
      (list) => list.length === 5 && list.every((row) => row.status === 'needs_reconnect'),
      { timeoutMs: 30_000, what: 'all flagged' },
    );
    expect(new Set(rows.map((row) => row.lastErrorCode))).toEqual(new Set(['delegation_revoked']));
    const org = (await call(stack, 'GET', '/v1/organization-connections', { token: admin })).body.organizationConnections[0];
    expect(org).toMatchObject({ status: 'needs_admin_action', statusReason: 'delegation_revoked', connections: { needs_reconnect: 5 } });
    // Another connection failing too changes nothing: still one alert, none per user.
    const [second] = await connectionsOf(users[2]!);
    await call(stack, 'POST', `/v1/connections/${second!.id}/sync`, { token: await userToken(users[2]!) });
    await waitFor(
      () => connectionsOf(users[2]!),
      (list) => list[0]?.health === 'needs_reconnect',
    );
    const alerts = await stack.deps.db.notification.findMany({ where: { organizationId: ORG } });
    expect(alerts.filter((n) => n.type === 'organization_connection.needs_admin_action')).toHaveLength(1);
    expect(alerts.filter((n) => n.type === 'connection.needs_reconnect')).toHaveLength(0);
    expect(alerts[0]!.body).toContain('Domain-wide delegation');

    stack.google.grantDomainWideDelegation(DOMAIN, clientId, SCOPES);
    expect((await putGoogle('full')).body.status).toBe('active');
    for (const email of users) {
      await waitFor(
        () => connectionsOf(email),
        (list) => list[0]?.health === 'active' && list[0]?.status === 'active',
        {
          timeoutMs: 30_000,
          what: `${email} resumed`,
        },
      );
    }
  }, 120_000);

  it('removing the organization connection disconnects and cleans every enrolled connection', async () => {
    const removed = await call(stack, 'DELETE', '/v1/organization-connections/google', { token: admin });
    expect(removed.status).toBe(202);
    expect(removed.body.disconnecting).toBe(5);
    await waitFor(
      () => stack.deps.db.organizationConnection.count(),
      (count) => count === 0,
      { timeoutMs: 60_000, what: 'organization connection drained' },
    );
    const rows = await stack.deps.db.calendarConnection.findMany({ where: { externalAccountEmail: { in: users } } });
    expect(rows.every((row) => row.status === 'disconnected' && row.accessTokenCredentialId === null)).toBe(true);
    expect(await stack.deps.db.credential.count({ where: { kind: 'service_account_key' } })).toBe(0);
    expect((await call(stack, 'DELETE', '/v1/organization-connections/google', { token: admin })).status).toBe(404);
  }, 90_000);

  it('never logs the key or a minted token', () => {
    const logs = stack.logs.join('\n');
    for (const secret of [keyFile.private_key!.split('\n')[1]!, ...stack.google.issuedSecrets()]) {
      expect(logs).not.toContain(secret);
    }
  });
});
