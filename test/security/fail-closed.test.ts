// Authentication fails closed. A production process (NODE_ENV=production) without a JWT public key, issuer,
// audience, a real vault keyring and an https PUBLIC_URL refuses to start, the API and the worker alike,
// and creates no development key or keyring on its way out. Tokens of another issuer or audience get 401.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../db/database-url';
import { call } from '../api/api-client';
import { startTestStack, TEST_TOKEN_AUDIENCE, TEST_TOKEN_ISSUER, type TestStack } from '../helpers/stack';

const tsx = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const VAULT_KEY = `k2026-11-abcdef:${Buffer.alloc(32, 7).toString('base64')}`;

function start(entry: string, env: Record<string, string>) {
  const result = spawnSync(tsx, [join(PROJECT_ROOT, entry)], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    // Nothing may be reachable: a process that got past its checks would hang or fail differently.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: '127.0.0.1:1', PORT: '0', ...env },
  });
  return { code: result.status, stderr: result.stderr };
}

describe('a production process refuses to start without its secrets', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'fail-closed-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each(['api/server.ts', 'worker/main.ts'])('%s names every missing setting and creates no development key', (entry) => {
    const { code, stderr } = start(entry, { NODE_ENV: 'production', DATA_DIR: dataDir, DATABASE_URL: `file:${join(dataDir, 'x.db')}` });
    expect(code).toBe(1);
    for (const name of ['JWT_PUBLIC_KEY', 'JWT_ISSUER', 'JWT_AUDIENCE', 'VAULT_KEYS', 'PUBLIC_URL']) expect(stderr).toContain(name);
    expect(readdirSync(dataDir).filter((file) => file !== 'x.db')).toEqual([]);
    expect(existsSync(join(dataDir, 'api-signing-key.dev.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'vault-keyring.dev.json'))).toBe(false);
  });

  it('refuses a development keyring and a plain-http PUBLIC_URL even when everything else is set', () => {
    const { code, stderr } = start('api/server.ts', {
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      JWT_PUBLIC_KEY: '{"kty":"EC","crv":"P-256","x":"x","y":"y"}',
      JWT_ISSUER: 'https://crm.example/',
      JWT_AUDIENCE: 'calendar-sync',
      VAULT_KEYS: `dev-2026-11-abcdef:${Buffer.alloc(32, 7).toString('base64')}`,
      VAULT_CURRENT_KEY_ID: 'dev-2026-11-abcdef',
      PUBLIC_URL: 'http://calendar.example',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('VAULT_CURRENT_KEY_ID is a development key id');
    expect(stderr).toContain('PUBLIC_URL must be the https URL');
    expect(stderr).not.toContain('JWT_');
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('gets past the checks with every setting in place (and then fails only on the unreachable database)', () => {
    const { stderr } = start('worker/main.ts', {
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      JWT_PUBLIC_KEY: '{"kty":"EC","crv":"P-256","x":"x","y":"y"}',
      JWT_ISSUER: 'https://crm.example/',
      JWT_AUDIENCE: 'calendar-sync',
      VAULT_KEYS: VAULT_KEY,
      PUBLIC_URL: 'https://calendar.example',
      DATABASE_URL: `file:${join(dataDir, 'x.db')}`,
    });
    expect(stderr).toContain('worker failed');
    expect(stderr).not.toContain('refusing to start');
    expect(existsSync(join(dataDir, 'vault-keyring.dev.json'))).toBe(false);
  });
});

describe('tokens are for this service only', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const providers = (token: string) => call(stack, 'GET', '/v1/providers', { token });
  const sign = (claims: { issuer?: string; audience?: string }) =>
    stack.signToken({ org: 'acme', user: 'alice', permissions: ['ce.calendar.view'], ...claims });

  it('accepts its own issuer and audience, and refuses another of either with 401', async () => {
    expect((await providers(await sign({ issuer: TEST_TOKEN_ISSUER, audience: TEST_TOKEN_AUDIENCE }))).status).toBe(200);
    const otherAudience = await providers(await sign({ audience: 'another-service' }));
    expect(otherAudience.status).toBe(401);
    expect(otherAudience.body.error.code).toBe('unauthorized');
    expect((await providers(await sign({ issuer: 'https://evil.example/' }))).status).toBe(401);
  });
});
