// The Google fake's service accounts with domain-wide delegation, driven by google-auth-library's real `JWT`
// client (what the product uses): the JWT-bearer grant, impersonation on the Calendar API, the Directory API's
// users.list, and the errors Google answers when the delegation, the user or the assertion is wrong.

import { generateKeyPairSync, createSign } from 'node:crypto';

import { JWT } from 'google-auth-library';

import { startGoogleFake, type GoogleFake } from '../../fakes/google';

const CALENDAR = 'https://www.googleapis.com/auth/calendar';
const CALENDAR_READONLY = 'https://www.googleapis.com/auth/calendar.readonly';
const DIRECTORY = 'https://www.googleapis.com/auth/admin.directory.user.readonly';
/** Where gtoken always posts (it ignores the key file's token_uri), and so the audience it signs. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

interface GoogleError {
  error: { code: number; message: string; errors: Array<{ reason: string }> };
}

let fake: GoogleFake;
let clientId: string;
let key: { client_email: string; private_key: string; token_uri: string };

beforeAll(async () => {
  fake = await startGoogleFake();
  fake.createWorkspaceDomain('sandbox.example', { count: 5, eventsPerUser: 3 });
  const registered = fake.registerServiceAccount({ clientEmail: 'org-sync@sandbox-project.iam.gserviceaccount.com' });
  clientId = registered.clientId;
  key = registered.keyFile!;
});
afterAll(() => fake.close());
afterEach(() => fake.grantDomainWideDelegation('sandbox.example', clientId, [CALENDAR, DIRECTORY]));
beforeEach(() => fake.grantDomainWideDelegation('sandbox.example', clientId, [CALENDAR, DIRECTORY]));

/** google-auth-library's JWT client, its token request sent to the fake instead of Google. */
function jwtClient(subject: string | undefined, scopes: string[], privateKey = key.private_key): JWT {
  // gtoken posts to Google's URL whatever the key file's token_uri says: the fetch the client is given redirects it.
  const fetchImplementation = ((url: string | URL | Request, init?: RequestInit) =>
    fetch(String(url) === GOOGLE_TOKEN_URL ? key.token_uri : url, init)) as typeof fetch;
  return new JWT({
    email: key.client_email,
    key: privateKey,
    scopes,
    ...(subject ? { subject } : {}),
    transporterOptions: { fetchImplementation },
  });
}

async function tokenError(client: JWT): Promise<{ status?: number; data: unknown }> {
  try {
    await client.getAccessToken();
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown } }).response;
    return { status: response?.status, data: response?.data };
  }
  throw new Error('the token request succeeded');
}

/** A hand-made assertion, for what the library never sends (a wrong audience, a too-long lifetime). */
async function postAssertion(claims: Record<string, unknown>, privateKey = key.private_key): Promise<{ status: number; body: unknown }> {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`;
  const assertion = `${signed}.${createSign('RSA-SHA256').update(signed).sign(privateKey).toString('base64url')}`;
  const response = await fetch(key.token_uri, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
  });
  return { status: response.status, body: await response.json() };
}

describe('service account key file', () => {
  it("is Google's key file format, its token_uri pointing at the fake", () => {
    expect(key).toMatchObject({
      type: 'service_account',
      client_email: 'org-sync@sandbox-project.iam.gserviceaccount.com',
      client_id: clientId,
      token_uri: `${fake.baseUrl}/token`,
      private_key: expect.stringContaining('-----BEGIN PRIVATE KEY-----'),
      private_key_id: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(clientId).toMatch(/^\d{21}$/);
    expect(fake.issuedSecrets()).toContain(key.private_key);
  });
});

describe('JWT-bearer grant with domain-wide delegation', () => {
  it('impersonates a domain user: the token acts as that user on the Calendar API', async () => {
    const client = jwtClient('user2@sandbox.example', [CALENDAR]);
    const { token } = await client.getAccessToken();
    expect(token).toMatch(/^ya29\./);
    const events = await client.request<{ items: Array<{ id: string }> }>({
      url: `${fake.baseUrl}/calendar/v3/calendars/primary/events`,
      params: { maxResults: 50 },
    });
    expect(events.data.items.length).toBeGreaterThan(0);
    expect(events.data.items.map((e) => e.id).sort()).toEqual(
      fake
        .listEvents('user2@sandbox.example')
        .map((e) => e.id)
        .sort(),
    );
    const inserted = await client.request<{ id: string; organizer: { email: string } }>({
      url: `${fake.baseUrl}/calendar/v3/calendars/primary/events`,
      method: 'POST',
      data: {
        summary: 'Booked by the org connection',
        start: { dateTime: '2030-01-02T10:00:00Z' },
        end: { dateTime: '2030-01-02T11:00:00Z' },
      },
    });
    expect(inserted.data.organizer.email).toBe('user2@sandbox.example');
  });

  it('answers free/busy for the impersonated user with a read-only delegation', async () => {
    fake.grantDomainWideDelegation('sandbox.example', clientId, [CALENDAR_READONLY]);
    const client = jwtClient('user3@sandbox.example', [CALENDAR_READONLY]);
    const answer = await client.request<{ calendars: Record<string, { busy: unknown[] }> }>({
      url: `${fake.baseUrl}/calendar/v3/freeBusy`,
      method: 'POST',
      data: { timeMin: '2020-01-01T00:00:00Z', timeMax: '2020-01-02T00:00:00Z', items: [{ id: 'user3@sandbox.example' }] },
    });
    expect(Object.keys(answer.data.calendars)).toEqual(['user3@sandbox.example']);
    const write = await client
      .request<GoogleError>({
        url: `${fake.baseUrl}/calendar/v3/calendars/primary/events`,
        method: 'POST',
        data: { summary: 'x', start: { dateTime: '2030-01-02T10:00:00Z' }, end: { dateTime: '2030-01-02T11:00:00Z' } },
      })
      .catch((error: { response: { status: number; data: GoogleError } }) => error.response);
    expect(write.status).toBe(403);
    expect(write.data.error.errors[0]!.reason).toBe('insufficientPermissions');
  });

  it('refuses a scope that was not delegated: 401 unauthorized_client', async () => {
    fake.grantDomainWideDelegation('sandbox.example', clientId, [CALENDAR_READONLY]);
    const refusal = await tokenError(jwtClient('user1@sandbox.example', [CALENDAR]));
    expect(refusal.status).toBe(401);
    expect(refusal.data).toEqual({
      error: 'unauthorized_client',
      error_description:
        'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
    });
  });

  it('refuses a domain without delegation, and a withdrawn delegation: unauthorized_client', async () => {
    fake.createWorkspaceDomain('other.example', { count: 1 });
    expect((await tokenError(jwtClient('user1@other.example', [CALENDAR]))).status).toBe(401);

    const client = jwtClient('user4@sandbox.example', [CALENDAR]);
    const { token } = await client.getAccessToken();
    fake.withdrawDomainWideDelegation('sandbox.example', clientId);
    const refusal = await tokenError(jwtClient('user4@sandbox.example', [CALENDAR]));
    expect(refusal).toMatchObject({ status: 401, data: { error: 'unauthorized_client' } });
    // An access token issued before the withdrawal keeps working until it expires (see fakes/README.md).
    const still = await fetch(`${fake.baseUrl}/calendar/v3/calendars/primary`, { headers: { authorization: `Bearer ${token!}` } });
    expect(still.status).toBe(200);
    fake.expireAccessTokens('user4@sandbox.example');
    const expired = await fetch(`${fake.baseUrl}/calendar/v3/calendars/primary`, { headers: { authorization: `Bearer ${token!}` } });
    expect(expired.status).toBe(401);
  });

  it('refuses an unknown or suspended user of the domain: 400 invalid_grant', async () => {
    const unknown = await tokenError(jwtClient('nobody@sandbox.example', [CALENDAR]));
    expect(unknown).toEqual({ status: 400, data: { error: 'invalid_grant', error_description: 'Invalid email or User ID' } });
    fake.setWorkspaceUserSuspended('user5@sandbox.example', true);
    expect((await tokenError(jwtClient('user5@sandbox.example', [CALENDAR]))).data).toMatchObject({ error: 'invalid_grant' });
    fake.setWorkspaceUserSuspended('user5@sandbox.example', false);
    await expect(jwtClient('user5@sandbox.example', [CALENDAR]).getAccessToken()).resolves.toMatchObject({ token: expect.any(String) });
  });

  it('refuses an assertion signed with another key: invalid_grant "Invalid JWT Signature."', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const refusal = await tokenError(jwtClient('user1@sandbox.example', [CALENDAR], other));
    expect(refusal).toEqual({ status: 400, data: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } });
  });

  it('refuses an expired or over-long assertion, and a wrong audience', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = { iss: key.client_email, scope: CALENDAR, aud: GOOGLE_TOKEN_URL, sub: 'user1@sandbox.example' };
    const expired = await postAssertion({ ...base, iat: now - 7200, exp: now - 3600 });
    expect(expired.status).toBe(400);
    expect(expired.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('short-lived token') });
    const tooLong = await postAssertion({ ...base, iat: now, exp: now + 7200 });
    expect(tooLong.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('short-lived token') });
    const audience = await postAssertion({ ...base, aud: 'https://example.com/token', iat: now, exp: now + 600 });
    expect(audience.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('audience') });
    const ok = await postAssertion({ ...base, aud: key.token_uri, iat: now, exp: now + 600 });
    expect(ok).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 3600, access_token: expect.any(String) } });
  });

  it('registers a service account whose private key the caller keeps', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const own = fake.registerServiceAccount({
      clientEmail: 'byo@customer-project.iam.gserviceaccount.com',
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    expect(own.keyFile).toBeUndefined();
    fake.grantDomainWideDelegation('sandbox.example', own.clientId, [CALENDAR]);
    const now = Math.floor(Date.now() / 1000);
    const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const answer = await postAssertion(
      { iss: own.clientEmail, scope: CALENDAR, aud: GOOGLE_TOKEN_URL, sub: 'user1@sandbox.example', iat: now, exp: now + 600 },
      privateKey,
    );
    expect(answer.status).toBe(200);
  });
});

describe('Directory API users.list', () => {
  const usersUrl = () => `${fake.baseUrl}/admin/directory/v1/users`;

  it('lists the domain in pages for an admin, in the real user shape', async () => {
    const client = jwtClient('user1@sandbox.example', [DIRECTORY]);
    const first = await client.request<{ kind: string; users: Array<Record<string, unknown>>; nextPageToken?: string }>({
      url: usersUrl(),
      params: { domain: 'sandbox.example', maxResults: 3 },
    });
    expect(first.data.kind).toBe('admin#directory#users');
    expect(first.data.users).toHaveLength(3);
    expect(first.data.users[0]).toMatchObject({
      kind: 'admin#directory#user',
      id: expect.stringMatching(/^\d{21}$/),
      primaryEmail: 'user1@sandbox.example',
      name: { givenName: expect.any(String), familyName: expect.any(String), fullName: expect.any(String) },
      suspended: false,
      isAdmin: true,
    });
    const second = await client.request<{ users: Array<{ primaryEmail: string }>; nextPageToken?: string }>({
      url: usersUrl(),
      params: { customer: 'my_customer', maxResults: 3, pageToken: first.data.nextPageToken },
    });
    expect(second.data.nextPageToken).toBeUndefined();
    expect([...first.data.users, ...second.data.users].map((u) => u.primaryEmail)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `user${n}@sandbox.example`),
    );
  });

  it('needs the directory scope (403 insufficientPermissions) and an admin (403 forbidden)', async () => {
    const noScope = await jwtClient('user1@sandbox.example', [CALENDAR])
      .request<GoogleError>({ url: usersUrl(), params: { domain: 'sandbox.example' } })
      .catch((error: { response: { status: number; data: GoogleError } }) => error.response);
    expect(noScope.status).toBe(403);
    expect(noScope.data.error.errors[0]!.reason).toBe('insufficientPermissions');
    const notAdmin = await jwtClient('user2@sandbox.example', [DIRECTORY])
      .request<GoogleError>({ url: usersUrl(), params: { domain: 'sandbox.example' } })
      .catch((error: { response: { status: number; data: GoogleError } }) => error.response);
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.data.error.message).toBe('Not Authorized to access this resource/api');
  });
});

describe('Workspace control routes', () => {
  it('creates a domain, a service account and a delegation over HTTP', async () => {
    const post = (path: string, body: unknown, method = 'POST') =>
      fetch(`${fake.baseUrl}/__fake/workspace/${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const domain = (await (await post('domains', { domain: 'http.example', count: 2 })).json()) as { users: string[]; customerId: string };
    expect(domain.users).toEqual(['user1@http.example', 'user2@http.example']);
    expect(domain.customerId).toMatch(/^C0/);
    const account = (await (await post('service-accounts', {})).json()) as { clientId: string; keyFile: { private_key: string } };
    expect(account.keyFile.private_key).toContain('PRIVATE KEY');
    expect((await post(`domains/http.example/delegations/${account.clientId}`, { scopes: [CALENDAR] }, 'PUT')).status).toBe(204);
    expect((await post(`domains/http.example/delegations/${account.clientId}`, {}, 'DELETE')).status).toBe(204);
    const again = await post(`domains/http.example/delegations/${account.clientId}`, {}, 'DELETE');
    expect(again.status).toBe(400);
    expect((await post('domains', { domain: 'not a domain' })).status).toBe(400);
  });
});
