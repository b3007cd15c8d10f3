// The secret scan: run the main flows (connect both providers, sync, schedule a meeting with attendees,
// token refresh, revoked access and reconnect, disconnect, an organization's own OAuth client, the vault
// migration of legacy rows, organization-wide connections with a service account key and an own app), then
// search everything the service wrote for every token and secret that
// exists: the database (every column of every table, raw, bytes included), the captured logs, and the
// Temporal histories (payload bytes read as text) of every workflow on the stack's task queue. Attendee
// emails are searched in the logs and the histories (sealed there by services/attendee-sealing-codec.ts);
// the database legitimately holds them.
import { randomBytes } from 'node:crypto';
import { GOOGLE_SANDBOX_CLIENT } from '../../fakes/google/server';
import { SANDBOX_MICROSOFT_CLIENT } from '../../fakes/microsoft/server';
import { insertLegacyConnections, revertToLegacy } from '../../scripts/legacy/legacy-rows';
import { statusQuery, syncNowSignal, connectionWorkflowId } from '../../workflows/connection/messages';
import { call, connectThroughApi, tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const HOUR = 3_600_000;

/** Every string in a value, with byte arrays (Temporal payloads, Bytes columns) decoded as UTF-8 and Latin-1. */
function textOf(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 40 || value === null || value === undefined) return out;
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') out.push(String(value));
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'), Buffer.from(value).toString('latin1'));
  else if (value instanceof Date) out.push(value.toISOString());
  else if (Array.isArray(value)) for (const item of value) textOf(item, out, depth + 1);
  else if (typeof value === 'object') for (const item of Object.values(value as Record<string, unknown>)) textOf(item, out, depth + 1);
  return out;
}

describe('secret scan over the main flows', () => {
  let stack: TestStack;
  const org = 'scan-org';
  const byoClient = {
    clientId: `byo-${randomBytes(6).toString('hex')}.apps.googleusercontent.com`,
    clientSecret: `byo-secret-${randomBytes(24).toString('base64url')}`,
  };
  const attendeeEmails = ['scan-attendee-one@partner.example', 'scan-attendee-two@partner.example'];
  const legacyTokens: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const status = (connectionId: string) => stack.temporal.workflow.getHandle(connectionWorkflowId(connectionId)).query(statusQuery);
  const syncedAfter = async (connectionId: string, since: number) =>
    waitFor(
      () => status(connectionId),
      (s) => s.lastSync?.outcome === 'ok' && Date.parse(s.lastSync.at) >= since,
      { what: 'a sync' },
    );

  it('finds no token, secret or attendee email where it must not be', async () => {
    const admin = await tokenFor(stack, org, 'scan-admin');
    const alice = await tokenFor(stack, org, 'scan-alice');
    const bob = await tokenFor(stack, org, 'scan-bob');

    // Microsoft on the platform default client, before the organization registers its own.
    const microsoft = await connectThroughApi(stack, { token: bob, provider: 'microsoft', email: 'scan-bob@example.com' });
    // The organization's own Google client (write-only secret), then a Google connection that uses it.
    stack.google.registerClient(byoClient.clientId, byoClient.clientSecret);
    const put = await call(stack, 'PUT', '/v1/oauth-clients/google', { token: admin, body: byoClient });
    expect(put.status).toBe(200);
    expect(put.text).not.toContain(byoClient.clientSecret);
    stack.google.ensureAccount('scan-alice@example.com');
    stack.google.seedEvent('scan-alice@example.com', {
      title: 'Seeded',
      start: { kind: 'dateTime', dateTime: new Date(Date.now() + 30 * HOUR).toISOString(), timeZone: 'UTC' },
      end: { kind: 'dateTime', dateTime: new Date(Date.now() + 31 * HOUR).toISOString(), timeZone: 'UTC' },
    });
    const google = await connectThroughApi(stack, { token: alice, provider: 'google', email: 'scan-alice@example.com' });
    await syncedAfter(google.connectionId, 0);
    await syncedAfter(microsoft.connectionId, 0);
    const listed = await call(stack, 'GET', '/v1/connections', { token: alice });
    expect(listed.body.connections[0].oauthClient).toBe('organization');

    // A meeting with attendees.
    const meeting = await call(stack, 'POST', `/v1/connections/${google.connectionId}/meetings`, {
      token: alice,
      headers: { 'idempotency-key': 'scan-meeting-0001' },
      body: {
        title: 'Scan meeting',
        start: new Date(Date.now() + 50 * HOUR).toISOString(),
        attendees: attendeeEmails.map((email) => ({ email })),
      },
    });
    expect(meeting.status).toBe(201);

    // Refresh on both providers (Microsoft rotates its refresh token).
    let since = Date.now();
    stack.google.expireAccessTokens();
    stack.microsoft.expireAccessTokens();
    await Promise.all(
      [google, microsoft].map((c) => stack.temporal.workflow.getHandle(connectionWorkflowId(c.connectionId)).signal(syncNowSignal)),
    );
    await syncedAfter(google.connectionId, since);
    await syncedAfter(microsoft.connectionId, since);

    // Revoked access -> needs reconnect -> reconnect through the API.
    stack.microsoft.revokeGrants('scan-bob@example.com');
    stack.microsoft.expireAccessTokens('scan-bob@example.com');
    await stack.temporal.workflow.getHandle(connectionWorkflowId(microsoft.connectionId)).signal(syncNowSignal);
    await waitFor(
      () => status(microsoft.connectionId),
      (s) => s.health === 'needs_reconnect',
      { what: 'needs_reconnect' },
    );
    const reconnect = await call(stack, 'POST', `/v1/connections/${microsoft.connectionId}/reconnect`, { token: bob });
    expect(reconnect.status).toBe(201);
    const { code, state } = await stack.microsoft.authorize(reconnect.body.authorizationUrl, 'scan-bob@example.com');
    const callback = await call(
      stack,
      'GET',
      `/v1/oauth/microsoft/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`,
    );
    expect(callback.status).toBe(200);
    const completed = await call(stack, 'POST', '/v1/oauth/complete', { token: bob, body: { provider: 'microsoft', code, state } });
    expect(completed.status).toBe(201);
    await waitFor(
      () => status(microsoft.connectionId),
      (s) => s.health === 'active',
      { what: 'reconnected' },
    );

    // The vault migration: the Google connection turned back into a legacy row, plus seeded legacy rows.
    await revertToLegacy(stack.deps, google.connectionId);
    await insertLegacyConnections(stack.deps.db, {
      organizationId: org,
      count: 60,
      tokens: () => {
        const pair = {
          accessToken: `scan-legacy-${randomBytes(16).toString('hex')}`,
          refreshToken: `scan-legacy-${randomBytes(16).toString('hex')}`,
        };
        legacyTokens.push(pair.accessToken, pair.refreshToken);
        return pair;
      },
    });
    expect((await call(stack, 'POST', '/v1/vault-migration', { token: admin })).status).toBe(202);
    await waitFor(
      () => call(stack, 'GET', '/v1/vault-migration', { token: admin }),
      (r) => r.body.status === 'completed',
      { what: 'migration done' },
    );
    since = Date.now();
    await stack.temporal.workflow.getHandle(connectionWorkflowId(google.connectionId)).signal(syncNowSignal);
    await syncedAfter(google.connectionId, since);

    // Deactivate the organization's client; disconnect Microsoft (revokes and deletes its tokens).
    expect((await call(stack, 'DELETE', '/v1/oauth-clients/google', { token: admin })).status).toBe(200);
    expect((await call(stack, 'DELETE', `/v1/connections/${microsoft.connectionId}`, { token: bob })).status).toBe(202);
    await waitFor(
      () => stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: microsoft.connectionId } }),
      (r) => r.status === 'disconnected',
      { what: 'disconnected' },
    );

    // Organization-wide connections: a service account key (write-only) and an organization's own Microsoft app.
    const domainUser = stack.google.createWorkspaceDomain('scan-workspace.example', { count: 1 }).users[0]!;
    const serviceAccount = stack.google.registerServiceAccount();
    stack.google.grantDomainWideDelegation('scan-workspace.example', serviceAccount.clientId, [
      'https://www.googleapis.com/auth/calendar.events',
      'https://www.googleapis.com/auth/calendar.readonly',
    ]);
    const orgGoogle = await call(stack, 'PUT', '/v1/organization-connections/google', {
      token: admin,
      body: { serviceAccountKey: serviceAccount.keyFile, domain: 'scan-workspace.example', mode: 'full' },
    });
    expect(orgGoogle.text).not.toContain('PRIVATE KEY');
    const ownApp = {
      clientId: `scan-app-${randomBytes(6).toString('hex')}`,
      clientSecret: `scan-app-secret-${randomBytes(24).toString('base64url')}`,
    };
    stack.microsoft.registerClient(ownApp.clientId, ownApp.clientSecret);
    const tenant = stack.microsoft.createTenant('scan-tenant.example', { count: 1 });
    const orgMicrosoft = await call(stack, 'PUT', '/v1/organization-connections/microsoft', {
      token: admin,
      body: { tenantId: tenant.tenantId, mode: 'full', ...ownApp },
    });
    expect(orgMicrosoft.text).not.toContain(ownApp.clientSecret);
    const consented = stack.microsoft.adminConsent(orgMicrosoft.body.adminConsentUrl);
    expect((await call(stack, 'GET', `${consented.pathname}${consented.search}`)).status).toBe(200);
    for (const [provider, email] of [
      ['google', domainUser],
      ['microsoft', tenant.users[0]!.email],
    ] as const) {
      const enrolled = await call(stack, 'POST', `/v1/organization-connections/${provider}/users`, {
        token: admin,
        body: { emails: [email] },
      });
      expect(enrolled.body.enrolled).toHaveLength(1);
      await syncedAfter(enrolled.body.enrolled[0].connectionId, 0);
    }
    const serviceAccountKeyLines = serviceAccount.keyFile!.private_key.split('\n').filter((line) => line.length > 40);

    // ---- the scan ----
    const secrets = [
      ...stack.google.issuedSecrets(),
      ...stack.microsoft.issuedSecrets(),
      byoClient.clientSecret,
      GOOGLE_SANDBOX_CLIENT.clientSecret,
      SANDBOX_MICROSOFT_CLIENT.clientSecret,
      ownApp.clientSecret,
      ...serviceAccountKeyLines,
      ...legacyTokens,
    ].filter((secret) => secret.length >= 8);
    expect(stack.google.issuedSecrets().length).toBeGreaterThan(3);
    expect(stack.microsoft.issuedSecrets().length).toBeGreaterThan(3);

    // Database: every table, every column.
    const tables = await stack.deps.db.$queryRawUnsafe<Array<{ name: string }>>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['ce_calendar_connections', 'pf_credentials', 'ce_oauth_clients', 'ce_calendar_events']),
    );
    const database: string[] = [];
    for (const { name } of tables) textOf(await stack.deps.db.$queryRawUnsafe(`SELECT * FROM "${name}"`), database);
    const databaseText = database.join('\n');
    // The scan sees real data (attendees are stored), so a miss below means absence, not blindness.
    expect(databaseText).toContain(attendeeEmails[0]);

    // Temporal histories of every workflow on this stack's task queue, payloads decoded.
    const histories: string[] = [];
    const types = new Set<string>();
    for await (const execution of stack.temporal.workflow.list({ query: `TaskQueue = '${stack.taskQueue}'` })) {
      types.add(execution.type);
      const history = await stack.temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      textOf(history, histories);
    }
    expect(types).toEqual(new Set(['connectionWorkflow', 'vaultMigrationWorkflow']));
    const historyText = histories.join('\n');
    expect(historyText).toContain('Scan meeting');

    const logText = stack.logs.join('\n');
    expect(logText).toContain('vault migration batch');

    const leaks = (where: string, text: string, needles: string[]) =>
      needles.filter((needle) => text.includes(needle)).map((needle) => `${where}: ${needle.slice(0, 6)}…`);
    expect([
      ...leaks('database', databaseText, secrets),
      ...leaks('logs', logText, [...secrets, ...attendeeEmails]),
      ...leaks('temporal history', historyText, [...secrets, ...attendeeEmails]),
    ]).toEqual([]);
  });
});
