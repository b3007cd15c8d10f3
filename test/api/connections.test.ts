// The API on the real stack: authentication, the sandbox connect flow end to end through the HTTP
// endpoints, the connection endpoints, the OAuth callback's failures, providers, webhooks and the docs.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ALL_PERMISSIONS, PERMISSIONS } from '../../api/auth/permissions';
import { hashSecret } from '../../services/secret-hash';
import { startTestStack, type TestStack } from '../helpers/stack';
import { call, connectThroughApi, eventually, tokenFor } from './api-client';

describe('API: authentication, connections, OAuth, webhooks, docs', () => {
  let stack: TestStack;
  let alice: string;

  beforeAll(async () => {
    stack = await startTestStack();
    alice = await tokenFor(stack, 'acme', 'alice');
  });
  afterAll(async () => {
    await stack?.close();
  });

  describe('authentication', () => {
    it('rejects a missing, malformed, forged or expired token with 401', async () => {
      expect((await call(stack, 'GET', '/v1/connections')).status).toBe(401);
      expect((await call(stack, 'GET', '/v1/connections', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
      expect((await call(stack, 'GET', '/v1/connections', { token: 'a.b.c' })).status).toBe(401);
      const [header, payload] = alice.split('.');
      const forged = `${header}.${payload}.${Buffer.from('x'.repeat(64)).toString('base64url')}`;
      expect((await call(stack, 'GET', '/v1/connections', { token: forged })).status).toBe(401);
      const expired = await stack.signToken({ org: 'acme', user: 'alice', permissions: ALL_PERMISSIONS, ttlSeconds: -60 });
      const response = await call(stack, 'GET', '/v1/connections', { token: expired });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: { code: 'unauthorized', message: 'Token expired' } });
    });

    it('answers 403 naming the missing permission', async () => {
      const viewer = await tokenFor(stack, 'acme', 'alice', [PERMISSIONS.view]);
      const response = await call(stack, 'POST', '/v1/connections', { token: viewer, body: { provider: 'google' } });
      expect(response.status).toBe(403);
      expect(response.body.error.message).toContain('ce.calendar.connect');
    });

    it('keeps health, docs and the OpenAPI document public', async () => {
      expect((await call(stack, 'GET', '/healthz')).status).toBe(200);
      expect((await call(stack, 'GET', '/openapi.json')).status).toBe(200);
      const docs = await call(stack, 'GET', '/docs');
      expect(docs.status).toBe(200);
      expect(docs.text).toContain('/docs/assets/swagger-ui-bundle.js');
      expect((await call(stack, 'GET', '/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
      expect((await call(stack, 'GET', '/docs/assets/nope.js')).status).toBe(404);
    });
  });

  it('lists the providers with their capabilities and mode', async () => {
    const response = await call(stack, 'GET', '/v1/providers', { token: alice });
    expect(response.status).toBe(200);
    expect(response.body.providers.map((p: { id: string }) => p.id).sort()).toEqual(['google', 'microsoft']);
    expect(response.body.providers[0]).toMatchObject({ mode: 'sandbox', capabilities: { freeBusy: true } });
    const icon = await call(stack, 'GET', response.body.providers[0].icon);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
  });

  it.each(['google', 'microsoft'] as const)(
    '%s: connects through the API and shows the connection active after the first sync',
    async (provider) => {
      const email = `connect-${provider}@example.com`;
      const { connectionId } = await connectThroughApi(stack, { token: alice, provider, email });

      const listed = await eventually(
        () => call(stack, 'GET', '/v1/connections', { token: alice }),
        (response) => response.body.connections?.some((c: any) => c.id === connectionId && c.lastSync?.outcome === 'ok'),
        'first sync',
      );
      const connection = listed.body.connections.find((c: any) => c.id === connectionId);
      expect(connection).toMatchObject({
        provider,
        accountEmail: email,
        status: 'active',
        health: 'active',
        workflowReachable: true,
        migrationRequired: false,
        oauthClient: 'platform_default',
        disconnectedAt: null,
      });
      expect(typeof connection.nextSyncAt).toBe('string');
      expect(connection.pendingReminders).toBe(0);

      const one = await call(stack, 'GET', `/v1/connections/${connectionId}`, { token: alice });
      expect(one.status).toBe(200);
      expect(one.body.id).toBe(connectionId);

      // Sync now: the workflow runs another sync.
      const before = one.body.lastSync.at as string;
      expect((await call(stack, 'POST', `/v1/connections/${connectionId}/sync`, { token: alice })).status).toBe(202);
      await eventually(
        () => call(stack, 'GET', `/v1/connections/${connectionId}`, { token: alice }),
        (response) => response.body.lastSync?.at > before,
        'manual sync',
      );
    },
  );

  it('reconnect starts an authorization for the same account; completing it keeps the connection', async () => {
    const email = 'reconnect@example.com';
    const { connectionId } = await connectThroughApi(stack, { token: alice, provider: 'google', email });
    const started = await call(stack, 'POST', `/v1/connections/${connectionId}/reconnect`, { token: alice });
    expect(started.status).toBe(201);
    expect(new URL(started.body.authorizationUrl).searchParams.get('login_hint')).toBe(email);
    const { code, state } = await stack.google.authorize(started.body.authorizationUrl, email);
    const callback = await call(stack, 'GET', `/v1/oauth/google/callback?code=${code}&state=${state}`);
    expect(callback.status).toBe(200);
    expect(callback.body).toEqual({ provider: 'google', code, state });
    const completed = await call(stack, 'POST', '/v1/oauth/complete', { token: alice, body: { provider: 'google', code, state } });
    expect(completed.status).toBe(201);
    expect(completed.body).toEqual({ connectionId, provider: 'google', status: 'connected' });
  });

  it('disconnect: 202, then the connection ends disconnected and leaves the default listing', async () => {
    const { connectionId } = await connectThroughApi(stack, { token: alice, provider: 'microsoft', email: 'leaving@example.com' });
    expect((await call(stack, 'DELETE', `/v1/connections/${connectionId}`, { token: alice })).status).toBe(202);
    await eventually(
      () => stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: connectionId } }),
      (row) => row.status === 'disconnected',
      'disconnect',
    );
    const listed = await call(stack, 'GET', '/v1/connections', { token: alice });
    expect(listed.body.connections.map((c: any) => c.id)).not.toContain(connectionId);
    const all = await call(stack, 'GET', '/v1/connections?includeDisconnected=true', { token: alice });
    expect(all.body.connections.find((c: any) => c.id === connectionId)).toMatchObject({ status: 'disconnected', health: null });
    // Idempotent; sync of a disconnected connection is a conflict.
    expect((await call(stack, 'DELETE', `/v1/connections/${connectionId}`, { token: alice })).status).toBe(202);
    expect((await call(stack, 'POST', `/v1/connections/${connectionId}/sync`, { token: alice })).status).toBe(409);
  });

  it('lists connections a bounded page at a time, each once, oldest first, whatever their number', async () => {
    const { db } = stack.deps;
    await db.organization.upsert({ where: { id: 'acme' }, create: { id: 'acme', name: 'Acme', settings: { create: {} } }, update: {} });
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    // 250 past connections, ten per creation instant: the pages break ties by id.
    await db.calendarConnection.createMany({
      data: Array.from({ length: 250 }, (_, i) => ({
        organizationId: 'acme',
        userId: 'collector',
        provider: 'google',
        externalAccountEmail: `past-${i}@example.com`,
        status: 'disconnected',
        createdAt: new Date(base + Math.floor(i / 10) * 1000),
      })),
    });
    const expected = await db.calendarConnection.findMany({
      where: { userId: 'collector' },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true },
    });
    const collector = await tokenFor(stack, 'acme', 'collector');

    const first = await call(stack, 'GET', '/v1/connections?includeDisconnected=true', { token: collector });
    expect(first.status).toBe(200);
    expect(first.body.connections).toHaveLength(100);
    const seen: string[] = [];
    let answer = await call(stack, 'GET', '/v1/connections?includeDisconnected=true&limit=70', { token: collector });
    for (;;) {
      expect(answer.body.connections.length).toBeLessThanOrEqual(70);
      seen.push(...answer.body.connections.map((c: { id: string }) => c.id));
      if (!answer.body.nextCursor) break;
      const cursor = encodeURIComponent(answer.body.nextCursor);
      answer = await call(stack, 'GET', `/v1/connections?includeDisconnected=true&limit=70&cursor=${cursor}`, { token: collector });
    }
    expect(seen).toEqual(expected.map((row) => row.id));
    // Active connections only (the default): none.
    expect((await call(stack, 'GET', '/v1/connections', { token: collector })).body).toEqual({ connections: [], nextCursor: null });

    const tooMany = await call(stack, 'GET', '/v1/connections?limit=201', { token: collector });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toBe('query.limit: must be a whole number from 1 to 200');
    const forged = await call(stack, 'GET', '/v1/connections?cursor=bm90LWEtY3Vyc29y', { token: collector });
    expect(forged.status).toBe(400);
    expect(forged.body.error.message).toBe('query.cursor: not a cursor this API issued');
  });

  it('returns the row with null status fields when the workflow does not answer', async () => {
    const { connectionId } = await connectThroughApi(stack, { token: alice, provider: 'google', email: 'no-worker@example.com' });
    await stack.temporal.workflow.getHandle(`calendar-connection:${connectionId}`).terminate('test: workflow gone');
    const response = await call(stack, 'GET', `/v1/connections/${connectionId}`, { token: alice });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: connectionId, status: 'active', health: null, workflowReachable: false, lastSync: null });
    // A signal to a workflow that is gone restarts it.
    expect((await call(stack, 'POST', `/v1/connections/${connectionId}/sync`, { token: alice })).status).toBe(202);
    await eventually(
      () => call(stack, 'GET', `/v1/connections/${connectionId}`, { token: alice }),
      (r) => r.body.workflowReachable === true,
      'restarted workflow',
    );
  });

  describe('OAuth callback and completion', () => {
    const consent = async (email: string) => {
      const started = await call(stack, 'POST', '/v1/connections', { token: alice, body: { provider: 'google' } });
      stack.google.ensureAccount(email);
      return stack.google.authorize(started.body.authorizationUrl, email);
    };
    const complete = (body: unknown, token = alice) => call(stack, 'POST', '/v1/oauth/complete', { token, body });

    it('rejects a provider denial, a missing code and an unknown state with 400; the callback itself consumes nothing', async () => {
      const denied = await call(stack, 'GET', '/v1/oauth/google/callback?error=access_denied&state=abc');
      expect(denied.status).toBe(400);
      expect(denied.body.error.code).toBe('access_denied');
      expect((await call(stack, 'GET', '/v1/oauth/google/callback?state=abc')).body.error.message).toContain('query.code');
      const unknown = await call(stack, 'GET', '/v1/oauth/google/callback?code=x&state=unknown-state');
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.code).toBe('invalid_state');
      expect((await call(stack, 'GET', '/v1/oauth/nope/callback?code=x&state=y')).status).toBe(400);

      const { code, state } = await consent('replay@example.com');
      expect((await call(stack, 'GET', `/v1/oauth/google/callback?code=${code}&state=${state}`)).status).toBe(200);
      // Still unused: the callback only checked it.
      expect((await call(stack, 'GET', `/v1/oauth/google/callback?code=${code}&state=${state}`)).status).toBe(200);
      expect((await complete({ provider: 'google', code, state })).status).toBe(201);
      // Used now: neither the callback nor a second completion accepts it again.
      const replay = await call(stack, 'GET', `/v1/oauth/google/callback?code=${code}&state=${state}`);
      expect(replay.status).toBe(400);
      expect(replay.body.error.code).toBe('invalid_state');
      const again = await complete({ provider: 'google', code, state });
      expect(again.status).toBe(400);
      expect(again.body.error.code).toBe('invalid_state');
    });

    it('rejects a code the provider does not accept', async () => {
      const started = await call(stack, 'POST', '/v1/connections', { token: alice, body: { provider: 'google' } });
      const state = new URL(started.body.authorizationUrl).searchParams.get('state')!;
      expect((await call(stack, 'GET', `/v1/oauth/google/callback?code=forged-code&state=${state}`)).status).toBe(200);
      const response = await complete({ provider: 'google', code: 'forged-code', state });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('exchange_failed');
    });

    it('answers 503 provider_busy, not "code refused", when the provider is down during the exchange', async () => {
      const { code, state } = await consent('busy-provider@example.com');
      stack.google.injectFault({ kind: 'unavailable', count: 1, pathIncludes: '/oauth2/v3/userinfo' });
      const response = await complete({ provider: 'google', code, state });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('60');
      expect(response.body.error).toMatchObject({ code: 'provider_busy', message: expect.stringContaining('start connecting again') });
    });

    it('sends browsers to the return page with code and state in the URL fragment, never in the query', async () => {
      const { code, state } = await consent('browser@example.com');
      const redirect = await call(stack, 'GET', `/v1/oauth/google/callback?code=${code}&state=${state}`, {
        headers: { accept: 'text/html,application/xhtml+xml' },
      });
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('cache-control')).toBe('no-store');
      const location = new URL(redirect.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(`${stack.apiUrl}/oauth/return`);
      expect(location.search).toBe('');
      expect(Object.fromEntries(new URLSearchParams(location.hash.slice(1)))).toEqual({ provider: 'google', code, state });
      // An unknown state and a denial go there too, as an error.
      const bad = await call(stack, 'GET', `/v1/oauth/google/callback?code=x&state=nope`, { headers: { accept: 'text/html' } });
      expect(new URLSearchParams(new URL(bad.headers.get('location')!).hash.slice(1)).get('error')).toBe('invalid_state');
      const denied = await call(stack, 'GET', `/v1/oauth/google/callback?error=access_denied`, { headers: { accept: 'text/html' } });
      expect(new URLSearchParams(new URL(denied.headers.get('location')!).hash.slice(1)).get('error')).toBe('access_denied');

      const page = await call(stack, 'GET', '/oauth/return');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.text).toContain('/oauth/return.js');
      const script = await call(stack, 'GET', '/oauth/return.js');
      expect(script.text).toContain("type: 'calendar-oauth'");
      expect(script.text).toContain('postMessage(message, window.location.origin)');
    });
  });

  describe('webhooks', () => {
    it('answers the Graph validation handshake with the token as text/plain', async () => {
      const response = await call(stack, 'POST', '/v1/webhooks/microsoft?validationToken=hello%20graph');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      expect(response.text).toBe('hello graph');
    });

    it('answers the Google sync handshake with 200', async () => {
      const response = await call(stack, 'POST', '/v1/webhooks/google', {
        headers: { 'x-goog-channel-id': 'whatever', 'x-goog-resource-state': 'sync' },
      });
      expect(response.status).toBe(200);
    });

    it('signals syncNow for a genuine notification and drops forged or unknown ones', async () => {
      const { connectionId } = await connectThroughApi(stack, { token: alice, provider: 'google', email: 'push@example.com' });
      const ready = await eventually(
        () => call(stack, 'GET', `/v1/connections/${connectionId}`, { token: alice }),
        (r) => r.body.lastSync?.outcome === 'ok',
        'first sync',
      );
      // A channel of our own making, so the test knows its (signed) secret. Made once the workflow has made its
      // own (just after the first sync), which also stops any channel of a calendar it does not sync.
      await eventually(
        () => stack.deps.db.pushChannel.count({ where: { connectionId, status: 'active' } }),
        (count) => count > 0,
        "the workflow's push channel",
      );
      const synced = await stack.deps.db.connectionCalendar.findFirstOrThrow({ where: { connectionId, syncEnabled: true } });
      const secret = stack.deps.pushTokens.issue();
      await stack.deps.db.pushChannel.create({
        data: {
          connectionId,
          externalCalendarId: synced.externalCalendarId,
          providerChannelId: 'api-test-channel',
          resourceId: 'r1',
          tokenHash: hashSecret(secret),
          expiresAt: new Date(Date.now() + 3_600_000),
        },
      });
      let messageNumber = 1;
      const notify = (token: string, channel = 'api-test-channel') =>
        call(stack, 'POST', '/v1/webhooks/google', {
          headers: {
            'x-goog-channel-id': channel,
            'x-goog-resource-state': 'exists',
            'x-goog-channel-token': token,
            'x-goog-resource-id': 'r1',
            'x-goog-message-number': String(++messageNumber),
          },
        });

      const forged = await notify('wrong-secret');
      expect(forged.status).toBe(202);
      expect((await notify(secret, 'unknown-channel')).status).toBe(202);
      expect(stack.logs.join('')).not.toContain('wrong-secret');

      expect((await notify(secret)).status).toBe(202);
      await eventually(
        () => call(stack, 'GET', `/v1/connections/${connectionId}`, { token: alice }),
        (r) => r.body.lastSync?.at > ready.body.lastSync.at,
        'push-triggered sync',
      );
    });

    it('answers 202 to bodies that are not notifications', async () => {
      expect((await call(stack, 'POST', '/v1/webhooks/microsoft', { body: { value: 'nope' } })).status).toBe(202);
      expect(
        (await call(stack, 'POST', '/v1/webhooks/microsoft', { rawBody: '{not json', headers: { 'content-type': 'application/json' } }))
          .status,
      ).toBe(400);
      expect((await call(stack, 'POST', '/v1/webhooks/yahoo', { body: {} })).status).toBe(404);
    });
  });

  it('serves an OpenAPI 3.1 document that validates and describes every /v1 endpoint', async () => {
    const response = await call(stack, 'GET', '/openapi.json');
    // The validator is an ES module (jest here runs CommonJS): run its CLI on the document.
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'openapi-')), 'openapi.json');
    writeFileSync(file, response.text);
    const cli = require.resolve('@seriousme/openapi-schema-validator/package.json').replace(/package\.json$/, 'bin/validate-api-cli.js');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, file]).catch((error: { stdout: string }) => ({
      stdout: error.stdout,
    }));
    const result = JSON.parse(stdout) as { valid: boolean; errors?: unknown };
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(response.body.openapi).toBe('3.1.0');
    const paths = Object.keys(response.body.paths);
    for (const path of [
      '/v1/providers',
      '/v1/connections',
      '/v1/connections/{connectionId}',
      '/v1/connections/{connectionId}/sync',
      '/v1/connections/{connectionId}/reconnect',
      '/v1/connections/{connectionId}/meetings',
      '/v1/connections/{connectionId}/meetings/{eventId}',
      '/v1/connections/{connectionId}/events',
      '/v1/events',
      '/v1/freebusy',
      '/v1/settings',
      '/v1/oauth/{provider}/callback',
      '/v1/webhooks/{provider}',
    ]) {
      expect(paths).toContain(path);
    }
    const schedule = response.body.paths['/v1/connections/{connectionId}/meetings'].post;
    expect(schedule.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['connectionId', 'Idempotency-Key']));
    expect(schedule.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
  });

  it('never logs tokens or attendee emails', () => {
    const logs = stack.logs.join('\n');
    expect(logs).not.toContain(alice);
    for (const secret of [...stack.google.issuedSecrets(), ...stack.microsoft.issuedSecrets()]) expect(logs).not.toContain(secret);
  });
});
