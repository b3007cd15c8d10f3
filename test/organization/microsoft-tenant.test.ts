// Organization-wide Microsoft connection on the real stack: a sandbox tenant with 5 users, the platform's app
// consented by the tenant's admin through the returned admin-consent URL (single-use state), every user
// enrolled from Graph's directory, synced over `/users/{id}/...` with client-credentials tokens and
// schedulable; a freebusy-only organization refuses writes; withdrawn consent flags all of them once.
import { PERMISSIONS } from '../../api/auth/permissions';
import { SANDBOX_MICROSOFT_CLIENT } from '../../fakes/microsoft/server';
import { call, tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const ORG = 'contoso-crm';
let stack: TestStack;
let admin: string;
let tenant: { tenantId: string; users: Array<{ id: string; email: string }> };
let emails: string[];

const inHours = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
const meeting = (hours: number) => ({ title: 'Tenant demo', start: inHours(hours), durationMinutes: 30, timeZone: 'UTC', attendees: [] });
const userToken = (email: string) =>
  stack.signToken({ org: ORG, user: email, permissions: [PERMISSIONS.view, PERMISSIONS.schedule, PERMISSIONS.connect] });

async function connectionsOf(email: string) {
  const response = await call(stack, 'GET', '/v1/connections', { token: await userToken(email) });
  return response.body.connections as Array<Record<string, any>>;
}

/** The consent URL followed as the tenant's admin, and Microsoft's redirect to our callback taken as JSON. */
async function consent(url: string) {
  const back = stack.microsoft.adminConsent(url);
  return call(stack, 'GET', `${back.pathname}${back.search}`, { headers: { accept: 'application/json' } });
}

beforeAll(async () => {
  stack = await startTestStack();
  tenant = stack.microsoft.createTenant('contoso-sandbox.example', { count: 5, eventsPerUser: 3 });
  emails = tenant.users.map((user) => user.email.toLowerCase());
  admin = await tokenFor(stack, ORG, 'it-admin');
}, 120_000);
afterAll(() => stack?.close());

describe('Microsoft 365 organization connection', () => {
  it('a viewer can neither see nor change it', async () => {
    const viewer = await stack.signToken({ org: ORG, user: 'viewer', permissions: [PERMISSIONS.view] });
    expect((await call(stack, 'GET', '/v1/organization-connections', { token: viewer })).status).toBe(403);
    const put = await call(stack, 'PUT', '/v1/organization-connections/microsoft', {
      token: viewer,
      body: { tenantId: tenant.tenantId, mode: 'full' },
    });
    expect(put.status).toBe(403);
  });

  it('admin consent through the returned URL, once: the state cannot be replayed', async () => {
    const saved = await call(stack, 'PUT', '/v1/organization-connections/microsoft', {
      token: admin,
      body: { tenantId: tenant.tenantId, mode: 'full' },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ status: 'pending_consent', microsoft: { tenantId: tenant.tenantId, ownApp: false } });
    const early = await call(stack, 'POST', '/v1/organization-connections/microsoft/users', { token: admin, body: { all: true } });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('organization_consent_required');

    const url = new URL(saved.body.adminConsentUrl);
    expect(url.pathname).toBe(`/${tenant.tenantId}/v2.0/adminconsent`);
    expect(url.searchParams.get('scope')).toBe('https://graph.microsoft.com/.default');
    const back = stack.microsoft.adminConsent(saved.body.adminConsentUrl);
    const recorded = await call(stack, 'GET', `${back.pathname}${back.search}`, { headers: { accept: 'application/json' } });
    expect(recorded.status).toBe(200);
    expect(recorded.body).toMatchObject({ status: 'active', microsoft: { consentedAt: expect.any(String) } });
    const replay = await call(stack, 'GET', `${back.pathname}${back.search}`, { headers: { accept: 'application/json' } });
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('invalid_state');
  });

  it('enrols every user of the tenant: each syncs over /users/{id} and can schedule', async () => {
    const enrolled = await call(stack, 'POST', '/v1/organization-connections/microsoft/users', { token: admin, body: { all: true } });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.enrolled.map((e: any) => e.email).sort()).toEqual([...emails].sort());
    for (const email of emails) {
      await waitFor(
        () => connectionsOf(email),
        (list) => list.length === 1 && list[0]!.lastSync?.outcome === 'ok' && list[0]!.syncedEvents >= 3,
        { timeoutMs: 60_000, what: `${email} synced` },
      );
    }
    const [one] = await connectionsOf(emails[1]!);
    expect(one).toMatchObject({ managedBy: 'organization', status: 'active' });
    const scheduled = await call(stack, 'POST', `/v1/connections/${one!.id}/meetings`, {
      token: await userToken(emails[1]!),
      body: meeting(30),
      headers: { 'idempotency-key': 'tenant-meeting-0001' },
    });
    expect(scheduled.status).toBe(201);
    const byAddress = await call(stack, 'POST', '/v1/organization-connections/microsoft/users', {
      token: admin,
      body: { emails: [emails[2], 'nobody@contoso-sandbox.example'] },
    });
    expect(byAddress.body.enrolled).toEqual([expect.objectContaining({ email: emails[2], alreadyEnrolled: true })]);
    expect(byAddress.body.skipped).toEqual([{ email: 'nobody@contoso-sandbox.example', reason: 'not_in_directory' }]);
  }, 180_000);

  it('freebusy mode refuses writes naming the mode', async () => {
    const saved = await call(stack, 'PUT', '/v1/organization-connections/microsoft', {
      token: admin,
      body: { tenantId: tenant.tenantId, mode: 'freebusy' },
    });
    expect(saved.body).toMatchObject({ mode: 'freebusy', status: 'active', adminConsentUrl: null });
    const [one] = await connectionsOf(emails[0]!);
    const refused = await call(stack, 'POST', `/v1/connections/${one!.id}/meetings`, {
      token: await userToken(emails[0]!),
      body: meeting(40),
      headers: { 'idempotency-key': 'tenant-meeting-0002' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('availability_only');
    await call(stack, 'PUT', '/v1/organization-connections/microsoft', { token: admin, body: { tenantId: tenant.tenantId, mode: 'full' } });
  });

  it('withdrawn consent flags every connection once with the admin action; consent again resumes them', async () => {
    stack.microsoft.withdrawAdminConsent(tenant.tenantId, SANDBOX_MICROSOFT_CLIENT.clientId);
    stack.microsoft.expireAccessTokens();
    const [first] = await connectionsOf(emails[0]!);
    await call(stack, 'POST', `/v1/connections/${first!.id}/sync`, { token: await userToken(emails[0]!) });
    const rows = await waitFor(
      () => stack.deps.db.calendarConnection.findMany({ where: { organizationId: ORG } }),
      (list) => list.length === 5 && list.every((row) => row.status === 'needs_reconnect'),
      { timeoutMs: 30_000, what: 'all flagged' },
    );
    expect(new Set(rows.map((row) => row.lastErrorCode))).toEqual(new Set(['admin_consent_withdrawn']));
    const alerts = await stack.deps.db.notification.findMany({ where: { organizationId: ORG } });
    expect(alerts.filter((n) => n.type === 'organization_connection.needs_admin_action')).toHaveLength(1);
    expect(alerts.filter((n) => n.type === 'connection.needs_reconnect')).toHaveLength(0);

    const again = await call(stack, 'PUT', '/v1/organization-connections/microsoft', {
      token: admin,
      body: { tenantId: tenant.tenantId, mode: 'full' },
    });
    expect(again.body.status).toBe('pending_consent');
    expect((await consent(again.body.adminConsentUrl)).body.status).toBe('active');
    for (const email of emails) {
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

  it('removing it disconnects every enrolled connection', async () => {
    expect((await call(stack, 'DELETE', '/v1/organization-connections/microsoft', { token: admin })).status).toBe(202);
    await waitFor(
      () => stack.deps.db.organizationConnection.count(),
      (count) => count === 0,
      { timeoutMs: 60_000 },
    );
    const rows = await stack.deps.db.calendarConnection.findMany({ where: { organizationId: ORG } });
    expect(rows.every((row) => row.status === 'disconnected')).toBe(true);
  }, 90_000);
});
