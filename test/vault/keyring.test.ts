import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevelopmentKeyring, loadStartupKeyring } from '../../vault/development-keyring';
import { open, seal } from '../../vault/envelope';
import { VaultError } from '../../vault/errors';
import { formatKeyringFile, generateKeyEntry, keyringFromEnv, type VaultEnv } from '../../vault/keyring';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');

function keyringError(env: VaultEnv): VaultError {
  try {
    keyringFromEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).code).toBe('invalid_keyring');
    // Never echo key material, whatever was wrong.
    const material = [k1, k2, ...(env.VAULT_KEYS?.match(/[A-Za-z0-9+/_-]{16,}/g) ?? [])];
    for (const m of material) expect((err as VaultError).message).not.toContain(m);
    return err as VaultError;
  }
  throw new Error('expected invalid_keyring');
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vault-keyring-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('keyringFromEnv', () => {
  test('JSON form with a current key id', () => {
    const ring = keyringFromEnv({ VAULT_KEYS: JSON.stringify({ 'k2026-05': k1, 'k2026-11': k2 }), VAULT_CURRENT_KEY_ID: 'k2026-11' });
    expect(ring.currentKeyId).toBe('k2026-11');
    expect(ring.keyIds().sort()).toEqual(['k2026-05', 'k2026-11']);
  });

  test('list form id:base64,id:base64 (base64url accepted too)', () => {
    const url = Buffer.from(k2, 'base64').toString('base64url');
    const ring = keyringFromEnv({ VAULT_KEYS: ` old:${k1} , new:${url}`, VAULT_CURRENT_KEY_ID: 'new' });
    expect(ring.currentKeyId).toBe('new');
    expect(ring.has('old')).toBe(true);
  });

  test('a single key is current without VAULT_CURRENT_KEY_ID', () => {
    expect(keyringFromEnv({ VAULT_KEYS: `only:${k1}` }).currentKeyId).toBe('only');
  });

  test('keyring file, with VAULT_CURRENT_KEY_ID overriding the file', () => {
    const path = join(dir, 'ring.json');
    writeFileSync(path, formatKeyringFile({ currentKeyId: 'a', keys: { a: k1, b: k2 } }));
    expect(keyringFromEnv({ VAULT_KEYRING_FILE: path }).currentKeyId).toBe('a');
    expect(keyringFromEnv({ VAULT_KEYRING_FILE: path, VAULT_CURRENT_KEY_ID: 'b' }).currentKeyId).toBe('b');
  });

  test('wrong key length is rejected with the key id and sizes only', () => {
    const short = randomBytes(16).toString('base64');
    const err = keyringError({ VAULT_KEYS: `k1:${short}` });
    expect(err.message).toContain('key "k1" must be 32 bytes (it is 16 bytes)');
  });

  test('unknown current key id is rejected', () => {
    const err = keyringError({ VAULT_KEYS: `k1:${k1},k2:${k2}`, VAULT_CURRENT_KEY_ID: 'k3' });
    expect(err.message).toContain('current key id "k3" is not in the keyring');
  });

  test('several keys without a current key id are rejected', () => {
    expect(keyringError({ VAULT_KEYS: `k1:${k1},k2:${k2}` }).message).toContain('VAULT_CURRENT_KEY_ID');
  });

  test.each<[string, VaultEnv, string]>([
    ['nothing configured', {}, 'set VAULT_KEYS'],
    ['both sources', { VAULT_KEYS: `a:${k1}`, VAULT_KEYRING_FILE: '/x' }, 'not both'],
    ['not base64', { VAULT_KEYS: `a:${k1.slice(0, 20)}!!${k1.slice(22)}` }, 'key "a" is not base64'],
    ['entry without id', { VAULT_KEYS: `${k1}` }, 'not of the form id:base64'],
    ['duplicate id', { VAULT_KEYS: `a:${k1},a:${k2}` }, 'appears twice'],
    ['bad key id', { VAULT_KEYS: JSON.stringify({ 'bad id!': k1 }), VAULT_CURRENT_KEY_ID: 'bad id!' }, 'key ids are'],
    ['broken JSON', { VAULT_KEYS: `{"a": "${k1}"` }, 'not valid JSON'],
    ['JSON of the wrong shape', { VAULT_KEYS: JSON.stringify({ a: 1 }) }, 'expected a JSON object'],
    ['missing file', { VAULT_KEYRING_FILE: '/nonexistent/ring.json' }, 'cannot read it (ENOENT)'],
  ])('%s', (_name, env, expected) => {
    expect(keyringError(env).message).toContain(expected);
  });

  test('a keyring file of the wrong shape names the field, not the value', () => {
    const path = join(dir, 'ring.json');
    writeFileSync(path, JSON.stringify({ currentKeyId: 'a', keys: { a: 42 }, extra: k1 }));
    const err = keyringError({ VAULT_KEYRING_FILE: path });
    expect(err.message).toContain('keys.a');
    expect(err.message).not.toContain(k1);
  });
});

describe('generateKeyEntry', () => {
  test('produces a usable 32-byte key with a valid id', () => {
    const entry = generateKeyEntry();
    expect(entry.id).toMatch(/^k\d{4}-\d{2}-[0-9a-f]{6}$/);
    expect(Buffer.from(entry.key, 'base64')).toHaveLength(32);
    const ring = keyringFromEnv({ VAULT_KEYS: `${entry.id}:${entry.key}` });
    const ctx = { credentialId: 'c', kind: 'access_token', organizationId: null };
    expect(open(ring, ctx, seal(ring, ctx, 'tok'))).toBe('tok');
  });
});

describe('development keyring', () => {
  test('is created once with mode 0600 and reused afterwards', () => {
    const dataDir = join(dir, '.data');
    const first = ensureDevelopmentKeyring(dataDir);
    expect(first.created).toBe(true);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    const ctx = { credentialId: 'c', kind: 'access_token', organizationId: 'o' };
    const sealed = seal(first.keyring, ctx, 'token');

    const second = ensureDevelopmentKeyring(dataDir);
    expect(second.created).toBe(false);
    expect(second.path).toBe(first.path);
    expect(second.keyring.currentKeyId).toBe(first.keyring.currentKeyId);
    expect(open(second.keyring, ctx, sealed)).toBe('token');
  });

  test('a loosened file mode is tightened back to 0600', () => {
    const first = ensureDevelopmentKeyring(dir);
    chmodSync(first.path, 0o644);
    ensureDevelopmentKeyring(dir);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
  });

  test('loadStartupKeyring prefers the environment and refuses to invent a key in production', () => {
    const fromEnv = loadStartupKeyring({ dataDir: dir, env: { VAULT_KEYS: `prod:${k1}` } });
    expect(fromEnv.source).toBe('environment');
    expect(fromEnv.keyring.currentKeyId).toBe('prod');

    expect(() => loadStartupKeyring({ dataDir: dir, env: { NODE_ENV: 'production' } })).toThrow(
      expect.objectContaining({ code: 'invalid_keyring' }),
    );

    const dev = loadStartupKeyring({ dataDir: dir, env: {} });
    expect(dev.source).toBe('development-file');
    expect(JSON.parse(readFileSync(dev.path!, 'utf8')).currentKeyId).toBe(dev.keyring.currentKeyId);
  });
});
