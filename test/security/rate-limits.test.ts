// Public routes and failed bearer checks are rate limited by client address, in a store every API replica
// shares: on the real stack, two API processes' worth of apps on one database enforce one limit.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { startTestStack, type TestStack } from '../helpers/stack';

describe.each(['sqlite', 'postgresql'] as const)('rate limits shared by API replicas (%s)', (provider) => {
  let stack: TestStack;
  let replicaB: http.Server;
  let urlA: string;
  let urlB: string;

  beforeAll(async () => {
    stack = await startTestStack({
      provider,
      env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '5', WEBHOOK_RATE_LIMIT_PER_MINUTE: '4', AUTH_FAILURES_PER_MINUTE: '3' },
    });
    // A second replica: its own app (and limiters), the same database.
    const app = await createApp({ ...stack.deps, temporal: stack.temporal });
    replicaB = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => replicaB.once('listening', resolve));
    urlA = stack.apiUrl;
    urlB = `http://127.0.0.1:${(replicaB.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    replicaB?.closeAllConnections();
    replicaB?.close();
    await stack?.close();
  });

  it('counts public routes per address across replicas (feeds and the OAuth callback share the limit)', async () => {
    const feed = (base: string) => fetch(`${base}/v1/ical/${'A'.repeat(43)}.ics`);
    const callback = (base: string) => fetch(`${base}/v1/oauth/google/callback?code=x&state=y`);
    const statuses = [
      (await feed(urlA)).status,
      (await feed(urlB)).status,
      (await callback(urlA)).status,
      (await callback(urlB)).status,
      (await feed(urlA)).status,
    ];
    expect(statuses).toEqual([404, 404, 400, 400, 404]);
    const refused = await feed(urlB);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await callback(urlA)).status).toBe(429);
  });

  it('limits webhook senders per address across replicas', async () => {
    const notify = (base: string) =>
      fetch(`${base}/v1/webhooks/google`, { method: 'POST', headers: { 'x-goog-channel-id': 'c', 'x-goog-resource-state': 'exists' } });
    const statuses = [];
    for (const base of [urlA, urlB, urlA, urlB, urlA]) statuses.push((await notify(base)).status);
    expect(statuses).toEqual([202, 202, 202, 202, 429]);
  });

  it('refuses an address that failed too many bearer checks, valid tokens included, on every replica it tries', async () => {
    const valid = await stack.signToken({ org: 'acme', user: 'alice', permissions: ['ce.calendar.view'] });
    const providers = (base: string, token: string) => fetch(`${base}/v1/providers`, { headers: { authorization: `Bearer ${token}` } });
    expect((await providers(urlA, valid)).status).toBe(200);
    // Three guesses, spread over both replicas.
    expect((await providers(urlA, 'a.b.c')).status).toBe(401);
    expect((await providers(urlB, 'a.b.d')).status).toBe(401);
    expect((await providers(urlA, 'a.b.e')).status).toBe(401);
    // The replica that counted the third knows at once; the other one on its next guess, from the shared count.
    expect((await providers(urlA, valid)).status).toBe(429);
    expect((await providers(urlB, 'a.b.f')).status).toBe(401);
    const blocked = await providers(urlB, valid);
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as { error: { message: string } }).error.message).toContain('failed authentication');
  });
});
