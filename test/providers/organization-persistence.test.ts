// The sandbox state file keeps the organization side too: Workspace domains, service accounts and delegations
// (Google), tenants, consents and app-only tokens (Microsoft). After a restart a token issued before it still
// works and new tokens are still granted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { JWT } from 'google-auth-library';

import { startGoogleFake } from '../../fakes/google';
import { startMicrosoftFake } from '../../fakes/microsoft';
import { createTestCertificateAuthority } from '../../fakes/tls/certificate-authority';
import { createTrustingDispatcher } from '../../fakes/tls/trusting-dispatcher';
import { freePort } from '../../scripts/lib/free-port';

const CALENDAR = 'https://www.googleapis.com/auth/calendar';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'org-state-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('Google: domain, service account and delegation survive a restart', async () => {
  const port = await freePort();
  const stateFile = path.join(dir, 'google.json');
  let fake = await startGoogleFake({ port, stateFile });
  fake.createWorkspaceDomain('persist.example', { count: 2 });
  const { clientId, keyFile } = fake.registerServiceAccount();
  fake.grantDomainWideDelegation('persist.example', clientId, [CALENDAR]);
  const fetchImplementation = ((url: string | URL | Request, init?: RequestInit) =>
    fetch(String(url) === 'https://oauth2.googleapis.com/token' ? keyFile!.token_uri : url, init)) as typeof fetch;
  const client = () =>
    new JWT({
      email: keyFile!.client_email,
      key: keyFile!.private_key,
      subject: 'user2@persist.example',
      scopes: [CALENDAR],
      transporterOptions: { fetchImplementation },
    });
  const { token } = await client().getAccessToken();
  await fake.close();

  fake = await startGoogleFake({ port, stateFile });
  try {
    const before = await fetch(`${fake.baseUrl}/calendar/v3/calendars/primary`, { headers: { authorization: `Bearer ${token!}` } });
    expect(before.status).toBe(200);
    expect(((await before.json()) as { id: string }).id).toBe('user2@persist.example');
    await expect(client().getAccessToken()).resolves.toMatchObject({ token: expect.any(String) });
    expect(fs.readFileSync(stateFile, 'utf8')).not.toContain('PRIVATE KEY');
  } finally {
    await fake.close();
  }
});

it('Microsoft: tenant, consent and app-only tokens survive a restart', async () => {
  const port = await freePort();
  const tls = await createTestCertificateAuthority();
  const stateFile = path.join(dir, 'microsoft.json');
  const app = { clientId: 'persist-org-app', clientSecret: 'persist-org-secret' };
  let fake = await startMicrosoftFake({ port, tls, stateFile, clients: [app] });
  const dispatcher = createTrustingDispatcher(tls.caCertificate);
  const tenant = fake.createTenant('persist.example', { count: 2 });
  fake.grantAdminConsent(tenant.tenantId, app.clientId);
  const tokenRequest = async () => {
    const response = await fetch(`${fake.baseUrl}/${tenant.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: app.clientId,
        client_secret: app.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      }),
      dispatcher,
    } as unknown as RequestInit);
    return { status: response.status, body: (await response.json()) as { access_token: string } };
  };
  const { body } = await tokenRequest();
  await fake.close();

  fake = await startMicrosoftFake({ port, tls, stateFile, clients: [app] });
  try {
    const user = tenant.users[1]!;
    const calendars = await fetch(`${fake.baseUrl}/v1.0/users/${user.id}/calendars`, {
      headers: { authorization: `Bearer ${body.access_token}` },
      dispatcher,
    } as unknown as RequestInit);
    expect(calendars.status).toBe(200);
    expect((await tokenRequest()).status).toBe(200);
  } finally {
    await fake.close();
  }
});
