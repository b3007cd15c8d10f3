// The database-backed vault on both supported databases: storage, row tampering, key rotation with
// rewrap, and a scan of the stored bytes for plaintext.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { resolveDatabaseUrl } from '../../db/database-url';
import { createTestDatabase, testProviders, type TestDatabase } from '../helpers/database';
import { VaultError } from '../../vault/errors';
import { Keyring } from '../../vault/keyring';
import { Vault } from '../../vault/vault';

type Db = TestDatabase['db'];

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const ringOld = Keyring.fromKeys({ 'k-old': oldKey }, 'k-old');
const ringBoth = Keyring.fromKeys({ 'k-old': oldKey, 'k-new': newKey }, 'k-new');
const ringNew = Keyring.fromKeys({ 'k-new': newKey }, 'k-new');

const newSecret = () => `ya29.secret-${randomUUID()}`;

async function expectVaultError(promise: Promise<unknown>, code: VaultError['code']): Promise<VaultError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected VaultError ${code}, the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VaultError);
  expect((err as VaultError).code).toBe(code);
  return err as VaultError;
}

async function rawRow(db: Db, id: string) {
  const row = await db.credential.findUnique({ where: { id } });
  if (!row) throw new Error(`test: no row ${id}`);
  return row;
}

/**
 * Every value of every column of every pf_credentials row, read with raw SQL (not through the vault), as
 * bytes: a secret found in here is stored in plaintext.
 */
async function credentialTableBytes(db: Db): Promise<Buffer> {
  const rows = await db.$queryRawUnsafe<Array<Record<string, unknown>>>('SELECT * FROM pf_credentials');
  const parts: Buffer[] = [];
  for (const row of rows) {
    for (const value of Object.values(row)) {
      if (value instanceof Uint8Array) parts.push(Buffer.from(value));
      else if (value !== null && value !== undefined) parts.push(Buffer.from(String(value)));
    }
  }
  return Buffer.concat(parts);
}

describe.each(testProviders())('Vault on %s', (provider) => {
  let testDb: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    testDb = await createTestDatabase({ provider });
    db = testDb.db;
    await db.organization.createMany({ data: [{ id: 'acme' }, { id: 'globex' }] });
  });

  afterAll(async () => {
    await testDb?.cleanup();
  });

  beforeEach(async () => {
    await db.credential.deleteMany({});
  });

  test('put / get / replace / delete', async () => {
    const vault = new Vault(db, ringOld);
    const refresh = newSecret();
    const id = await vault.put({ kind: 'refresh_token', organizationId: 'acme', secret: refresh });
    const platform = await vault.put({ kind: 'oauth_client_secret', organizationId: null, secret: 'GOCSPX-platform' });
    expect(await vault.get(id)).toBe(refresh);
    expect(await vault.get(platform)).toBe('GOCSPX-platform');

    const stored = await rawRow(db, id);
    expect(stored).toMatchObject({ kind: 'refresh_token', organizationId: 'acme', keyId: 'k-old' });

    const rotated = newSecret();
    await vault.replace(id, rotated);
    expect(await vault.get(id)).toBe(rotated);
    const after = await rawRow(db, id);
    expect(Buffer.from(after.iv).equals(Buffer.from(stored.iv))).toBe(false);
    expect(Buffer.from(after.wrappedKey).equals(Buffer.from(stored.wrappedKey))).toBe(false);

    expect(await vault.delete(id)).toBe(true);
    expect(await vault.delete(id)).toBe(false);
    const err = await expectVaultError(vault.get(id), 'not_found');
    expect(err.message).toBe(`credential ${id} not found`);
    await expectVaultError(vault.replace(id, 'x'), 'not_found');
    expect(await vault.get(platform)).toBe('GOCSPX-platform');
  });

  test('rejects unknown kinds and empty secrets without echoing them', async () => {
    const vault = new Vault(db, ringOld);
    await expect(vault.put({ kind: 'password' as never, organizationId: 'acme', secret: 'hunter2' })).rejects.toThrow(
      /kind must be one of/,
    );
    await expect(vault.put({ kind: 'access_token', organizationId: 'acme', secret: '' })).rejects.toThrow(
      'secret must be a non-empty string',
    );
  });

  test('a put inside a rolled-back transaction leaves nothing behind', async () => {
    const vault = new Vault(db, ringOld);
    let id = '';
    await expect(
      db.$transaction(async (tx) => {
        id = await vault.using(tx).put({ kind: 'access_token', organizationId: 'acme', secret: newSecret() });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(id).not.toBe('');
    await expectVaultError(vault.get(id), 'not_found');
  });

  test('rows altered in the database fail loudly, never with garbage', async () => {
    const vault = new Vault(db, ringOld);
    const a = await vault.put({ kind: 'access_token', organizationId: 'acme', secret: newSecret() });
    const b = await vault.put({ kind: 'access_token', organizationId: 'acme', secret: newSecret() });
    const rowA = await rawRow(db, a);
    const rowB = await rawRow(db, b);

    const flipped = Buffer.from(rowA.ciphertext);
    flipped[0] = flipped[0]! ^ 0xff;
    await db.credential.update({ where: { id: a }, data: { ciphertext: new Uint8Array(flipped) } });
    await expectVaultError(vault.get(a), 'tampered');

    // B's crypto columns copied into A's row: the AAD (credential id) no longer matches.
    const { keyId, wrappedKey, ciphertext, iv, authTag } = rowB;
    await db.credential.update({ where: { id: a }, data: { keyId, wrappedKey, ciphertext, iv, authTag } });
    await expectVaultError(vault.get(a), 'tampered');

    // Moved to another tenant or relabelled as another kind.
    await db.credential.update({ where: { id: b }, data: { organizationId: 'globex' } });
    await expectVaultError(vault.get(b), 'tampered');
    await db.credential.update({ where: { id: b }, data: { organizationId: 'acme', kind: 'refresh_token' } });
    await expectVaultError(vault.get(b), 'tampered');
    await db.credential.update({ where: { id: b }, data: { kind: 'access_token' } });
    expect(await vault.get(b)).toEqual(expect.any(String));

    // Restored A works again: the failures above were the alterations, not the rows.
    await db.credential.update({
      where: { id: a },
      data: { wrappedKey: rowA.wrappedKey, ciphertext: rowA.ciphertext, iv: rowA.iv, authTag: rowA.authTag },
    });
    expect(await vault.get(a)).toEqual(expect.any(String));

    // A key id the keyring does not hold.
    await db.credential.update({ where: { id: a }, data: { keyId: 'k-lost' } });
    const err = await expectVaultError(vault.get(a), 'unknown_key');
    expect(err.message).toBe(`credential ${a} is wrapped by key id k-lost which is not in the keyring`);
  });

  test('a wrong key under the right key id fails as tampered', async () => {
    const id = await new Vault(db, ringOld).put({ kind: 'access_token', organizationId: 'acme', secret: newSecret() });
    const impostor = Keyring.fromKeys({ 'k-old': randomBytes(32) }, 'k-old');
    await expectVaultError(new Vault(db, impostor).get(id), 'tampered');
  });

  test('rotation: new key for new secrets, old still readable, rewrap moves all, then the old key can go', async () => {
    const before = new Vault(db, ringOld);
    const secrets = new Map<string, string>();
    for (let i = 0; i < 5; i += 1) {
      const secret = newSecret();
      secrets.set(await before.put({ kind: 'refresh_token', organizationId: 'acme', secret }), secret);
    }

    const rotated = new Vault(db, ringBoth);
    const fresh = newSecret();
    const freshId = await rotated.put({ kind: 'access_token', organizationId: 'globex', secret: fresh });
    secrets.set(freshId, fresh);
    expect((await rawRow(db, freshId)).keyId).toBe('k-new');
    for (const [id, secret] of secrets) expect(await rotated.get(id)).toBe(secret);
    expect(await rotated.countByKeyId()).toEqual({ 'k-old': 5, 'k-new': 1 });

    // Before rewrap, the new-key-only keyring cannot read the old rows.
    const [firstOld] = [...secrets.keys()];
    await expectVaultError(new Vault(db, ringNew).get(firstOld!), 'unknown_key');

    const snapshot = new Map<string, Buffer>();
    for (const id of secrets.keys()) {
      const row = await rawRow(db, id);
      snapshot.set(id, Buffer.concat([row.ciphertext, row.iv, row.authTag]));
    }

    const batches: number[] = [];
    const result = await rotated.rewrapAll({ batchSize: 2, onBatch: (p) => batches.push(p.rewrapped) });
    expect(result).toEqual({ rewrapped: 5, alreadyCurrent: 1, failed: [] });
    expect(batches).toEqual([2, 4, 5]);
    expect(await rotated.countByKeyId()).toEqual({ 'k-new': 6 });

    for (const id of secrets.keys()) {
      const row = await rawRow(db, id);
      // The secret's ciphertext was not touched, only its data key's wrap.
      expect(Buffer.concat([row.ciphertext, row.iv, row.authTag]).equals(snapshot.get(id)!)).toBe(true);
      if (id !== freshId) expect(row.rewrappedAt).toBeInstanceOf(Date);
    }

    expect(await rotated.rewrapAll({ batchSize: 2 })).toEqual({ rewrapped: 0, alreadyCurrent: 6, failed: [] });

    const withoutOld = new Vault(db, ringNew);
    for (const [id, secret] of secrets) expect(await withoutOld.get(id)).toBe(secret);
  });

  test('rewrap is resumable after an interruption, and reports rows it cannot re-wrap', async () => {
    const old = new Vault(db, ringOld);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await old.put({ kind: 'access_token', organizationId: 'acme', secret: newSecret() }));
    const lost = await old.put({ kind: 'access_token', organizationId: 'acme', secret: newSecret() });
    await db.credential.update({ where: { id: lost }, data: { keyId: 'k-lost' } });

    const rotated = new Vault(db, ringBoth);
    await expect(
      rotated.rewrapAll({
        batchSize: 2,
        onBatch: () => {
          throw new Error('process killed');
        },
      }),
    ).rejects.toThrow('process killed');
    const midway = await rotated.countByKeyId();
    expect(midway['k-new']).toBeGreaterThanOrEqual(1);
    expect(midway['k-new']).toBeLessThan(5);

    const result = await rotated.rewrapAll({ batchSize: 2 });
    expect(result.rewrapped + midway['k-new']!).toBe(5);
    expect(result.alreadyCurrent).toBe(midway['k-new']);
    expect(result.failed).toEqual([{ credentialId: lost, keyId: 'k-lost', code: 'unknown_key' }]);
    expect(await rotated.countByKeyId()).toEqual({ 'k-new': 5, 'k-lost': 1 });
  });

  test('no plaintext secret appears anywhere in the credentials table', async () => {
    const vault = new Vault(db, ringBoth);
    const secrets = [newSecret(), newSecret(), 'short', 'ünïcødé-refresh-token'];
    const ids = [];
    for (const secret of secrets) ids.push(await vault.put({ kind: 'refresh_token', organizationId: 'acme', secret }));
    await vault.replace(ids[0]!, `${secrets[0]}-rotated`);
    secrets.push(`${secrets[0]}-rotated`);

    const needles = (secret: string) => [
      Buffer.from(secret, 'utf8'),
      Buffer.from(Buffer.from(secret, 'utf8').toString('hex')),
      Buffer.from(Buffer.from(secret, 'utf8').toString('base64')),
    ];
    const table = await credentialTableBytes(db);
    expect(table.length).toBeGreaterThan(0);
    for (const secret of secrets) for (const needle of needles(secret)) expect(table.includes(needle)).toBe(false);
    for (const key of [oldKey, newKey]) expect(table.includes(key)).toBe(false);

    if (provider === 'sqlite') {
      // The whole database file and its WAL, free pages included (where replaced values may linger).
      const target = resolveDatabaseUrl(testDb.url);
      if (target.provider !== 'sqlite') throw new Error('test: expected a SQLite URL');
      const file = target.filePath;
      const fileBytes = Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
      expect(fileBytes.length).toBeGreaterThan(0);
      for (const secret of secrets) expect(fileBytes.includes(Buffer.from(secret))).toBe(false);
    }

    // Positive control: the same scan does find a secret that is stored in plaintext.
    const leaked = newSecret();
    const row = await rawRow(db, ids[1]!);
    await db.credential.create({
      data: { ...row, id: randomUUID(), ciphertext: new Uint8Array(Buffer.from(leaked)), rewrappedAt: null },
    });
    expect((await credentialTableBytes(db)).includes(Buffer.from(leaked))).toBe(true);
  });

  test('a Vault shows no key material when logged or serialised', () => {
    const vault = new Vault(db, ringBoth);
    const shown = `${inspect(vault, { showHidden: true, depth: 20 })} ${JSON.stringify(vault)} ${JSON.stringify({ vault })}`;
    expect(shown).toContain('k-new');
    for (const key of [oldKey, newKey]) {
      expect(shown).not.toContain(key.toString('base64'));
      expect(shown).not.toContain(key.toString('hex'));
    }
    expect(JSON.parse(JSON.stringify(vault))).toEqual({ currentKeyId: 'k-new', keyIds: ['k-old', 'k-new'] });
  });
});
