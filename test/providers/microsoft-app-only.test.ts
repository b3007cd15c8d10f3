// The Microsoft fake's organization access over plain HTTPS: sandbox tenants, admin consent (given, declined,
// withdrawn), the client credentials grant and its AADSTS errors, Graph's /users/{id}/... paths with an app-only
// token (roles checked, /me refused), GET /users, and subscriptions on users/{id}/events.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { startMicrosoftFake, type MicrosoftFake } from '../../fakes/microsoft';
import { createTrustingDispatcher } from '../../fakes/tls/trusting-dispatcher';

const APP = { clientId: 'org-app-client', clientSecret: 'org-app-secret' };
const READ_ONLY_APP = { clientId: 'org-read-only-client', clientSecret: 'org-read-only-secret' };
const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';

let fake: MicrosoftFake;
let dispatcher: ReturnType<typeof createTrustingDispatcher>;
let tenantId: string;
let users: Array<{ id: string; email: string }>;

beforeAll(async () => {
  fake = await startMicrosoftFake({ allowLoopbackHttp: true });
  dispatcher = createTrustingDispatcher(fake.caCertificate);
  fake.registerClient(APP.clientId, APP.clientSecret);
  fake.registerClient(READ_ONLY_APP.clientId, READ_ONLY_APP.clientSecret);
  fake.setAppPermissions(READ_ONLY_APP.clientId, ['Calendars.Read']);
  const tenant = fake.createTenant('contoso.example', { count: 5, eventsPerUser: 4 });
  tenantId = tenant.tenantId;
  users = tenant.users;
});
afterAll(() => fake.close());

async function call(path: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; body: any }> {
  const { token, ...rest } = init;
  const response = await fetch(`${fake.baseUrl}${path}`, {
    ...rest,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(rest.body ? { 'content-type': 'application/json' } : {}) },
    dispatcher,
  } as unknown as RequestInit);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function clientCredentials(tenant: string, app = APP, scope = GRAPH_DEFAULT): Promise<{ status: number; body: any }> {
  const response = await fetch(`${fake.baseUrl}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret, scope }),
    dispatcher,
  } as unknown as RequestInit);
  return { status: response.status, body: await response.json() };
}

async function appToken(app = APP): Promise<string> {
  const answer = await clientCredentials(tenantId, app);
  expect(answer.status).toBe(200);
  return answer.body.access_token as string;
}

/** A delegated token for the user (authorization code with PKCE), to compare /me with /users/{id}. */
async function delegatedToken(email: string): Promise<string> {
  const verifier = randomBytes(48).toString('base64url');
  const url = new URL(`${fake.baseUrl}/common/oauth2/v2.0/authorize`);
  url.search = new URLSearchParams({
    client_id: APP.clientId,
    response_type: 'code',
    redirect_uri: 'http://127.0.0.1:9/cb',
    scope: 'offline_access Calendars.ReadWrite',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const { code } = await fake.authorize(url.toString(), email);
  const response = await fetch(`${fake.baseUrl}/common/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      ...APP_FORM,
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: 'http://127.0.0.1:9/cb',
    }),
    dispatcher,
  } as unknown as RequestInit);
  return ((await response.json()) as { access_token: string }).access_token;
}

const APP_FORM = { client_id: APP.clientId, client_secret: APP.clientSecret };

/** Every id a calendarView delta round returns, following its nextLinks; and the final deltaLink. */
async function deltaRound(path: string, token: string): Promise<{ ids: string[]; deltaLink: string }> {
  const ids: string[] = [];
  let page = (await call(path, { token })).body;
  for (;;) {
    for (const item of page.value) ids.push(item.id);
    const next: string | undefined = page['@odata.nextLink'];
    if (!next) return { ids: ids.sort(), deltaLink: page['@odata.deltaLink'] };
    page = (await call(next.slice(fake.baseUrl.length), { token })).body;
  }
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));

describe('admin consent and the client credentials grant', () => {
  it('refuses a token before consent: 400 unauthorized_client AADSTS700016, in the real error shape', async () => {
    const answer = await clientCredentials(tenantId);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: 'unauthorized_client',
      error_codes: [700016],
      error_description: expect.stringMatching(
        /^AADSTS700016: Application with identifier 'org-app-client' was not found in the directory/,
      ),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
      trace_id: expect.any(String),
      correlation_id: expect.any(String),
    });
  });

  it('redirects back with the error when the admin declines (v2 and v1)', () => {
    const v2 = new URL(`${fake.baseUrl}/${tenantId}/v2.0/adminconsent`);
    v2.search = new URLSearchParams({
      client_id: APP.clientId,
      scope: GRAPH_DEFAULT,
      redirect_uri: 'http://127.0.0.1:9/cb',
      state: 's1',
    }).toString();
    fake.declineNextAdminConsent(tenantId, true);
    const declined = fake.adminConsent(v2.toString());
    expect(declined.searchParams.get('error')).toBe('consent_required');
    expect(declined.searchParams.get('error_description')).toMatch(/^AADSTS65004: /);
    expect(declined.searchParams.get('state')).toBe('s1');
    const v1 = new URL(`${fake.baseUrl}/${tenantId}/adminconsent?client_id=${APP.clientId}&redirect_uri=http://127.0.0.1:9/cb&state=s2`);
    const cancelled = fake.adminConsent(v1.toString(), { decline: true });
    expect(Object.fromEntries(cancelled.searchParams)).toEqual({
      error: 'permission_denied',
      error_description: 'The admin canceled the request',
      state: 's2',
    });
  });

  it('grants consent through the admin consent endpoint over HTTP and redirects with admin_consent=True', async () => {
    const url = new URL(`${fake.baseUrl}/organizations/v2.0/adminconsent`);
    url.search = new URLSearchParams({
      client_id: APP.clientId,
      scope: GRAPH_DEFAULT,
      redirect_uri: 'http://127.0.0.1:9/cb',
      state: 'st',
    }).toString();
    const page = await fetch(url, { dispatcher, redirect: 'manual' } as unknown as RequestInit);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Administrator email');
    url.searchParams.set('login_hint', 'user1@contoso.example');
    const response = await fetch(url, { dispatcher, redirect: 'manual' } as unknown as RequestInit);
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get('location')!);
    expect(Object.fromEntries(back.searchParams)).toEqual({ admin_consent: 'True', tenant: tenantId, scope: GRAPH_DEFAULT, state: 'st' });
    fake.grantAdminConsent(tenantId, READ_ONLY_APP.clientId);
  });

  it('issues an app-only token carrying the consented roles (by tenant id or domain)', async () => {
    const answer = await clientCredentials('contoso.example');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, access_token: expect.any(String) });
    expect(answer.body.refresh_token).toBeUndefined();
    expect(claimsOf(answer.body.access_token)).toMatchObject({
      aud: 'https://graph.microsoft.com',
      tid: tenantId,
      appid: APP.clientId,
      idtyp: 'app',
      roles: ['Calendars.ReadWrite', 'User.Read.All'],
    });
    expect(fake.issuedSecrets()).toContain(answer.body.access_token);
  });

  it('refuses a wrong secret, an unknown tenant and a scope without /.default', async () => {
    const wrong = await clientCredentials(tenantId, { ...APP, clientSecret: 'nope' });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client', error_codes: [7000215] } });
    const unknown = await clientCredentials('fabrikam.example');
    expect(unknown).toMatchObject({ status: 400, body: { error: 'invalid_request', error_codes: [90002] } });
    const scope = await clientCredentials(tenantId, APP, 'https://graph.microsoft.com/Calendars.Read');
    expect(scope).toMatchObject({ status: 400, body: { error: 'invalid_scope', error_codes: [1002012] } });
  });
});

describe('Graph with an app-only token', () => {
  it('serves /users/{id}/calendarView/delta exactly as /me serves it to the user', async () => {
    const token = await appToken();
    const user = users[1]!;
    const day = 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const window = `startDateTime=${iso(Date.now() - 30 * day)}&endDateTime=${iso(Date.now() + 60 * day)}`;
    const byUpn = await deltaRound(`/v1.0/users/${user.email}/calendarView/delta?${window}`, token);
    expect(byUpn.deltaLink).toContain(`/v1.0/users/${user.email}/calendarView/delta?$deltatoken=`);
    expect(byUpn.ids.length).toBeGreaterThan(0);
    const byId = await deltaRound(`/v1.0/users/${user.id}/calendarView/delta?${window}`, token);
    const delegated = await delegatedToken(user.email);
    const asUser = await deltaRound(`/v1.0/me/calendarView/delta?${window}`, delegated);
    expect(byId.ids).toEqual(asUser.ids);
    expect(byUpn.ids).toEqual(asUser.ids);
    // The user's own delegated token may name their mailbox as /users/{id}, not another user's.
    expect((await call(`/v1.0/users/${user.id}/calendars`, { token: delegated })).status).toBe(200);
    expect((await call(`/v1.0/users/${users[0]!.id}/calendars`, { token: delegated })).status).toBe(403);
  });

  it('writes events and answers getSchedule for a tenant user; Calendars.Read alone cannot write', async () => {
    const token = await appToken();
    const user = users[2]!;
    const event = {
      subject: 'Org-wide booking',
      start: { dateTime: '2030-03-04T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2030-03-04T11:00:00', timeZone: 'UTC' },
    };
    const created = await call(`/v1.0/users/${user.id}/events`, { token, method: 'POST', body: JSON.stringify(event) });
    expect(created.status).toBe(201);
    expect(fake.listEvents(user.email).map((e) => e.id)).toContain(created.body.id);
    const read = await call(`/v1.0/users/${user.email}/events/${created.body.id}`, { token });
    expect(read).toMatchObject({ status: 200, body: { subject: 'Org-wide booking' } });
    const schedule = await call(`/v1.0/users/${user.email}/calendar/getSchedule`, {
      token,
      method: 'POST',
      body: JSON.stringify({
        schedules: [user.email],
        startTime: { dateTime: '2030-03-04T00:00:00', timeZone: 'UTC' },
        endTime: { dateTime: '2030-03-05T00:00:00', timeZone: 'UTC' },
      }),
    });
    expect(schedule.status).toBe(200);
    expect(schedule.body.value[0].scheduleItems.length).toBeGreaterThan(0);
    const calendars = await call(`/v1.0/users/${user.email}/calendars`, { token });
    expect(calendars.status).toBe(200);

    const readOnly = await appToken(READ_ONLY_APP);
    expect((await call(`/v1.0/users/${user.email}/events/${created.body.id}`, { token: readOnly })).status).toBe(200);
    const write = await call(`/v1.0/users/${user.email}/events`, { token: readOnly, method: 'POST', body: JSON.stringify(event) });
    expect(write.status).toBe(403);
    expect(write.body.error).toMatchObject({ code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' });
  });

  it('refuses /me with an app-only token, and a user outside the tenant', async () => {
    const token = await appToken();
    for (const path of ['/v1.0/me', '/v1.0/me/calendars', '/v1.0/me/calendarView/delta?startDateTime=2030-01-01&endDateTime=2030-02-01']) {
      const me = await call(path, { token });
      expect(me.status).toBe(400);
      expect(me.body.error).toMatchObject({ code: 'BadRequest', message: '/me request is only valid with delegated authentication flow.' });
    }
    fake.ensureAccount('outsider@elsewhere.example');
    const outsider = await call('/v1.0/users/outsider@elsewhere.example/calendars', { token });
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.code).toBe('ErrorInvalidUser');
  });

  it('lists the tenant users with $top, $select and @odata.nextLink; needs User.Read.All', async () => {
    const token = await appToken();
    const first = await call('/v1.0/users?$top=2&$select=id,userPrincipalName,displayName', { token });
    expect(first.status).toBe(200);
    expect(first.body.value).toHaveLength(2);
    expect(Object.keys(first.body.value[0]).sort()).toEqual(['displayName', 'id', 'userPrincipalName']);
    const listed = [...first.body.value];
    let next: string | undefined = first.body['@odata.nextLink'];
    while (next) {
      const page = await call(next.slice(fake.baseUrl.length), { token });
      listed.push(...page.body.value);
      next = page.body['@odata.nextLink'];
    }
    expect(listed.map((u) => u.userPrincipalName)).toEqual(users.map((u) => u.email).sort());
    expect(listed.map((u) => u.id).sort()).toEqual(users.map((u) => u.id).sort());
    const denied = await call('/v1.0/users', { token: await appToken(READ_ONLY_APP) });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('Authorization_RequestDenied');
  });
});

describe('subscriptions on users/{id}/events and withdrawn consent', () => {
  let receiver: http.Server;
  let received: Array<{ path: string; body: any }>;
  let receiverUrl: string;

  beforeAll(async () => {
    received = [];
    receiver = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const token = url.searchParams.get('validationToken');
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        if (token !== null) {
          res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
          return;
        }
        received.push({ path: url.pathname, body: JSON.parse(text) });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  const waitFor = async (predicate: () => boolean) => {
    for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(predicate()).toBe(true);
  };

  it('notifies an app subscription of a tenant user, and reauthorizationRequired when consent is withdrawn', async () => {
    const token = await appToken();
    const user = users[3]!;
    const created = await call('/v1.0/subscriptions', {
      token,
      method: 'POST',
      body: JSON.stringify({
        changeType: 'created,updated,deleted',
        notificationUrl: `${receiverUrl}/notify`,
        lifecycleNotificationUrl: `${receiverUrl}/lifecycle`,
        resource: `users/${user.id}/events`,
        expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
        clientState: 'org-secret-state',
      }),
    });
    expect(created.status).toBe(201);
    expect(created.body.resource).toBe(`users/${user.id}/events`);
    expect((await call(`/v1.0/subscriptions/${created.body.id}`, { token })).status).toBe(200);

    fake.seedEvent(user.email, {
      title: 'Seen by the org subscription',
      start: { kind: 'dateTime', dateTime: '2030-05-01T09:00:00Z', timeZone: 'UTC' },
      end: { kind: 'dateTime', dateTime: '2030-05-01T10:00:00Z', timeZone: 'UTC' },
    });
    await waitFor(() => received.some((r) => r.path === '/notify'));
    expect(received.find((r) => r.path === '/notify')!.body.value[0]).toMatchObject({
      subscriptionId: created.body.id,
      changeType: 'created',
      clientState: 'org-secret-state',
      tenantId,
    });

    const me = await call('/v1.0/subscriptions', {
      token,
      method: 'POST',
      body: JSON.stringify({ changeType: 'created', notificationUrl: `${receiverUrl}/notify`, resource: 'me/events' }),
    });
    expect(me.status).toBe(400);

    fake.withdrawAdminConsent(tenantId, APP.clientId);
    await waitFor(() => received.some((r) => r.path === '/lifecycle'));
    expect(received.find((r) => r.path === '/lifecycle')!.body.value[0]).toMatchObject({
      subscriptionId: created.body.id,
      lifecycleEvent: 'reauthorizationRequired',
    });
    const refused = await clientCredentials(tenantId);
    expect(refused).toMatchObject({ status: 400, body: { error: 'unauthorized_client', error_codes: [700016] } });
    // A token issued before the withdrawal keeps its roles until it expires, as access tokens cannot be revoked.
    expect((await call(`/v1.0/users/${user.id}/calendars`, { token })).status).toBe(200);
    fake.expireAccessTokens();
    const expired = await call(`/v1.0/users/${user.id}/calendars`, { token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('InvalidAuthenticationToken');
  });
});

describe('tenant control routes', () => {
  it('creates a tenant, sets app permissions, grants and withdraws consent over HTTP', async () => {
    const post = (path: string, body: unknown, method = 'POST') => call(`/__fake/${path}`, { method, body: JSON.stringify(body) });
    const tenant = await post('tenants', { domain: 'fabrikam.example', count: 2 });
    expect(tenant.status).toBe(200);
    expect(tenant.body.users.map((u: { email: string }) => u.email)).toEqual(['user1@fabrikam.example', 'user2@fabrikam.example']);
    expect((await post(`apps/${APP.clientId}/permissions`, { roles: ['Calendars.Read'] }, 'PUT')).status).toBe(200);
    expect((await post(`tenants/fabrikam.example/consents/${APP.clientId}`, {}, 'PUT')).status).toBe(200);
    const token = await clientCredentials('fabrikam.example');
    expect(claimsOf(token.body.access_token).roles).toEqual(['Calendars.Read']);
    expect((await post(`tenants/fabrikam.example/consents/${APP.clientId}`, {}, 'DELETE')).status).toBe(200);
    expect((await post(`tenants/fabrikam.example/consents/${APP.clientId}`, {}, 'DELETE')).status).toBe(400);
    expect((await post('tenants', { domain: 'no domain' })).status).toBe(400);
  });
});
