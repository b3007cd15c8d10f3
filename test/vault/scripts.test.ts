// The operator commands as an operator runs them: `npm run vault:new-key` and `npm run vault:rewrap`
// (both are `tsx scripts/vault/...`), in a child process with only environment configuration.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../db/database-url';
import { keyringFromEnv } from '../../vault/keyring';
import { Vault } from '../../vault/vault';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const tsx = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

function run(script: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(tsx, [join(PROJECT_ROOT, 'scripts', 'vault', script), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let testDb: TestDatabase;
let dir: string;
beforeAll(async () => {
  testDb = await createTestDatabase({ provider: 'sqlite' });
  await testDb.db.organization.create({ data: { id: 'acme' } });
  dir = mkdtempSync(join(tmpdir(), 'vault-scripts-'));
});
afterAll(async () => {
  await testDb?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('new-key prints an entry; rewrap moves every credential to the current key and prints counts', async () => {
  const first = run('generate-key.ts', ['--id', 'k-one'], {});
  const second = run('generate-key.ts', ['--id', 'k-two'], {});
  expect(first.code).toBe(0);
  const entryOne = first.stdout.trim();
  const entryTwo = second.stdout.trim();
  expect(entryOne).toMatch(/^k-one:[A-Za-z0-9+/]{43}=$/);

  const vault = new Vault(testDb.db, keyringFromEnv({ VAULT_KEYS: entryOne }));
  const secrets = ['tok-a', 'tok-b', 'tok-c'];
  const ids: string[] = [];
  for (const secret of secrets) ids.push(await vault.put({ kind: 'access_token', organizationId: 'acme', secret }));

  const env = {
    DATABASE_URL: testDb.url,
    DATA_DIR: join(dir, 'data'),
    VAULT_KEYS: `${entryOne},${entryTwo}`,
    VAULT_CURRENT_KEY_ID: 'k-two',
  };
  const rewrap = run('rewrap.ts', ['--batch-size', '2'], env);
  expect(rewrap.stderr).toBe('');
  expect(rewrap.code).toBe(0);
  expect(rewrap.stdout).toContain('rewrapped: 3\n');
  expect(rewrap.stdout).toContain('already current: 0\n');
  expect(rewrap.stdout).toContain('  k-two: 3 (current)');
  expect(rewrap.stdout).toContain('no credential uses key id(s) k-one: they may be removed');
  const output = rewrap.stdout + rewrap.stderr;
  for (const secret of secrets) expect(output).not.toContain(secret);
  for (const entry of [entryOne, entryTwo]) expect(output).not.toContain(entry.split(':')[1]);

  const onlyNew = new Vault(testDb.db, keyringFromEnv({ VAULT_KEYS: entryTwo }));
  for (const [i, id] of ids.entries()) expect(await onlyNew.get(id)).toBe(secrets[i]);
});

test('rewrap fails at start-up with a clear, key-free message on a bad keyring', () => {
  const key = run('generate-key.ts', ['--id', 'k-x'], {}).stdout.trim();
  const result = run('rewrap.ts', [], { DATABASE_URL: testDb.url, VAULT_KEYS: key, VAULT_CURRENT_KEY_ID: 'k-missing' });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('current key id "k-missing" is not in the keyring');
  expect(result.stderr + result.stdout).not.toContain(key.split(':')[1]);
});

test('new-key adds keys to a keyring file with mode 0600 and can make the new key current', () => {
  const file = join(dir, 'keyring.json');
  expect(run('generate-key.ts', ['--keyring-file', file, '--id', 'k-a'], {}).code).toBe(0);
  const added = run('generate-key.ts', ['--keyring-file', file, '--id', 'k-b', '--make-current'], {});
  expect(added.code).toBe(0);
  expect(added.stdout.trim()).toBe('k-b'); // the key itself is not printed when it goes to a file
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const ring = keyringFromEnv({ VAULT_KEYRING_FILE: file });
  expect(ring.currentKeyId).toBe('k-b');
  expect(ring.keyIds().sort()).toEqual(['k-a', 'k-b']);
  expect(run('generate-key.ts', ['--keyring-file', file, '--id', 'k-b'], {}).code).toBe(1);
});
