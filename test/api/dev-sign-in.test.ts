// The development sign-in exists only on the development key outside production (fail closed), and the
// console is served at /console with its security headers and an SPA fallback; GET /v1/me names the caller.
import http from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import { PERMISSIONS } from '../../api/auth/permissions';
import { ensureConsoleBuilt } from '../helpers/browser';
import { startTestStack, type TestStack } from '../helpers/stack';
import { call } from './api-client';

describe('development sign-in and the console', () => {
  let stack: TestStack;
  let dataDir: string;
  const servers: http.Server[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    stack = await startTestStack();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'calsync-dev-sign-in-'));
  });
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await stack?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The stack's API again, on other configuration, listening on its own loopback port. */
  async function appWith(config: Partial<TestStack['deps']['config']>): Promise<string> {
    const app: Express = await createApp({ ...stack.deps, config: { ...stack.deps.config, ...config }, temporal: stack.temporal });
    const server = http.createServer(app);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }
  const asStack = (url: string) => ({ ...stack, apiUrl: url });
  const body = { organizationId: 'acme', userId: 'alice', permissions: [PERMISSIONS.view, PERMISSIONS.connect] };

  it('is absent with a configured JWT_PUBLIC_KEY and in production (fail closed)', async () => {
    // The stack verifies with its own key (JWT_PUBLIC_KEY): no development sign-in, not in the document. Like
    // any path under /v1 that is no public route, it asks for a token, and with one it does not exist.
    expect((await call(stack, 'GET', '/v1/dev/sign-in')).status).toBe(401);
    expect((await call(stack, 'POST', '/v1/dev/sign-in', { body })).status).toBe(401);
    const token = await stack.signToken({ org: 'acme', user: 'alice', permissions: Object.values(PERMISSIONS) });
    expect((await call(stack, 'GET', '/v1/dev/sign-in', { token })).status).toBe(404);
    expect((await call(stack, 'POST', '/v1/dev/sign-in', { token, body })).status).toBe(404);
    const document = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).not.toContain('/v1/dev/sign-in');

    // In production without a key the API does not start at all, and no development key is made.
    await expect(appWith({ NODE_ENV: 'production', JWT_PUBLIC_KEY: undefined, DATA_DIR: dataDir })).rejects.toThrow(/JWT_PUBLIC_KEY/);
    expect(readdirSync(dataDir)).toEqual([]);
    // In production with a key: no development sign-in either.
    const production = await appWith({ NODE_ENV: 'production', DATA_DIR: dataDir });
    expect((await call(asStack(production), 'GET', '/v1/dev/sign-in')).status).toBe(401);
    expect((await call(asStack(production), 'POST', '/v1/dev/sign-in', { body })).status).toBe(401);
    const productionDocument = (await (await fetch(`${production}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(productionDocument.paths)).not.toContain('/v1/dev/sign-in');
  });

  it('mints a token on the development key outside production; GET /v1/me names the caller', async () => {
    const development = asStack(await appWith({ NODE_ENV: 'development', JWT_PUBLIC_KEY: undefined, DATA_DIR: dataDir }));
    const info = await call(development, 'GET', '/v1/dev/sign-in');
    expect(info.body.permissions).toEqual(expect.arrayContaining(Object.values(PERMISSIONS)));
    const signedIn = await call(development, 'POST', '/v1/dev/sign-in', { body });
    expect(signedIn.status).toBe(201);
    const me = await call(development, 'GET', '/v1/me', { token: signedIn.body.token });
    expect(me.body).toEqual({ organizationId: 'acme', userId: 'alice', permissions: [PERMISSIONS.connect, PERMISSIONS.view] });
    // Its token means nothing to a service with a real key.
    expect((await call(stack, 'GET', '/v1/me', { token: signedIn.body.token })).status).toBe(401);

    const bad = await call(development, 'POST', '/v1/dev/sign-in', { body: { ...body, permissions: ['ce.calendar.everything'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('body.permissions.0');
    expect((await call(development, 'POST', '/v1/dev/sign-in', { body: { ...body, userId: 'a b' } })).body.error.details[0].field).toBe(
      'body.userId',
    );
  });

  it('serves the console with its security headers, an SPA fallback and no cookies', async () => {
    const index = await fetch(`${stack.apiUrl}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(index.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('set-cookie')).toBeNull();
    const html = await index.text();
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${stack.apiUrl}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toContain('immutable');
    // A screen's address loads the app, which routes in the browser; a missing asset is a plain 404.
    const deep = await fetch(`${stack.apiUrl}/console/conflicts/123`);
    expect([deep.status, await deep.text()]).toEqual([200, html]);
    expect((await fetch(`${stack.apiUrl}/console/assets/missing.js`)).status).toBe(404);
    const bare = await fetch(`${stack.apiUrl}/console`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([301, '/console/']);
  });
});
