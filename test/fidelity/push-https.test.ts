// Notification URLs must be https with both providers. The fakes refuse http like the real services unless
// told to accept loopback http (the sandbox and the rest of the test stack do); here they behave like Google
// and Microsoft. With real credentials (production providers) and an http PUBLIC_URL, each connection's
// status says push is unavailable and why, and polling carries on. Before, the service kept trying to make
// channels every poll interval and the status said nothing.
import { GOOGLE_SANDBOX_CLIENT } from '../../fakes/google/server';
import { createGoogleProvider } from '../../providers/google';
import { isProviderError } from '../../providers/errors';
import { unmeteredAuth } from '../../providers/unmetered';
import { tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';
import { connect, timed } from './fidelity-helpers';

describe('push needs https', () => {
  let stack: TestStack;
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack({
      providerMode: 'production',
      googleFake: { allowLoopbackHttp: false },
      microsoftFake: { allowLoopbackHttp: false },
    });
    token = await tokenFor(stack, 'acme', 'hugo');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('the fakes refuse http notification URLs as the providers do', async () => {
    const google = createGoogleProvider(stack.google.endpoints);
    const email = 'wire-http@example.com';
    const calendarId = stack.google.ensureAccount(email);
    const { code } = await stack.google.authorize(
      google.buildAuthorizationUrl(GOOGLE_SANDBOX_CLIENT, {
        state: 's',
        codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        redirectUri: 'http://127.0.0.1:9/cb',
        loginHint: email,
      }),
      email,
    );
    const tokens = await google.exchangeCode(GOOGLE_SANDBOX_CLIENT, {
      code,
      codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      redirectUri: 'http://127.0.0.1:9/cb',
    });
    const refused = await google
      .createPushChannel(unmeteredAuth(tokens.accessToken), {
        calendarId,
        notificationUrl: `${stack.apiUrl}/v1/webhooks/google`,
        secret: 'secret',
        expiresAt: new Date(Date.now() + 3_600_000),
      })
      .catch((error: unknown) => error);
    expect(isProviderError(refused, 'invalid_request')).toBe(true);
    expect((refused as { details: { code?: string } }).details.code).toBe('push.webhookUrlNotHttps');
  });

  it.each(['google', 'microsoft'] as const)(
    '%s: with an http PUBLIC_URL the status says push is unavailable; polling carries on',
    async (provider) => {
      const fake = provider === 'google' ? stack.google : stack.microsoft;
      const email = `http-${provider}@example.com`;
      fake.ensureAccount(email);
      const connection = await connect(stack, { token, provider, email });
      // The push set-up runs right after the first sync.
      const status = await waitFor(connection.status, (s) => s.push?.available === false, { what: 'push unavailable in the status' });
      expect(status.push).toEqual({
        available: false,
        reason: { code: 'https_required', message: expect.stringContaining('https') },
      });
      expect(fake.listPushChannels(email)).toEqual([]);
      expect(status.nextSyncAt).toBeDefined();
      const view = await connection.view();
      expect(view.push).toMatchObject({ available: false, reason: { code: 'https_required' } });

      // Polling carries on.
      fake.seedEvent(email, timed('Arrives by polling', 30));
      const synced = await connection.sync();
      expect(synced.lastSync?.outcome).toBe('ok');
      expect(synced.health).toBe('active');
      expect(
        await stack.deps.db.calendarEvent.count({ where: { connectionId: connection.connectionId, title: 'Arrives by polling' } }),
      ).toBe(1);
    },
  );
});
