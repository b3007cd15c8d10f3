import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { open, rewrap, seal, type SealContext, type SealedSecret } from '../../vault/envelope';
import { VaultError } from '../../vault/errors';
import { Keyring } from '../../vault/keyring';

const SECRET = '1//refresh-token-Zx9_example-ünïcode';
const ctx: SealContext = { credentialId: 'cred-1', kind: 'refresh_token', organizationId: 'acme' };

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const ringA = Keyring.fromKeys({ a: keyA }, 'a');
const ringAB = Keyring.fromKeys({ a: keyA, b: keyB }, 'b');

function expectVaultError(fn: () => unknown, code: VaultError['code']): VaultError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).code).toBe(code);
    expect((err as VaultError).message).not.toContain(SECRET);
    return err as VaultError;
  }
  throw new Error(`expected VaultError ${code}, nothing was thrown`);
}

function flipByte(buf: Buffer, index = 0): Buffer {
  const copy = Buffer.from(buf);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

describe('envelope seal/open', () => {
  test('round trip, including an empty-looking and a long secret', () => {
    for (const secret of [SECRET, 'x', 'y'.repeat(10_000)]) {
      const sealed = seal(ringA, ctx, secret);
      expect(sealed.keyId).toBe('a');
      expect(open(ringA, ctx, sealed)).toBe(secret);
    }
  });

  test('the stored form holds no plaintext and every seal uses a fresh IV and data key', () => {
    const one = seal(ringA, ctx, SECRET);
    const two = seal(ringA, ctx, SECRET);
    expect(one.iv).toHaveLength(12);
    expect(one.authTag).toHaveLength(16);
    expect(one.iv.equals(two.iv)).toBe(false);
    expect(one.ciphertext.equals(two.ciphertext)).toBe(false);
    // Different wrapped keys under the same master key: different data keys (and wrap IVs).
    expect(one.wrappedKey.equals(two.wrappedKey)).toBe(false);
    expect(one.wrappedKey.subarray(13, 45).equals(two.wrappedKey.subarray(13, 45))).toBe(false);
    const all = Buffer.concat([one.ciphertext, one.wrappedKey, one.iv, one.authTag]);
    expect(all.includes(Buffer.from(SECRET))).toBe(false);
    expect(all.includes(keyA)).toBe(false);
  });

  test.each<[keyof Omit<SealedSecret, 'keyId'>, number]>([
    ['ciphertext', 0],
    ['ciphertext', 5],
    ['iv', 0],
    ['iv', 11],
    ['authTag', 0],
    ['authTag', 15],
    ['wrappedKey', 0], // version byte
    ['wrappedKey', 1], // wrap IV
    ['wrappedKey', 20], // encrypted data key
    ['wrappedKey', 60], // wrap tag
  ])('a flipped bit in %s[%i] fails as tampered', (field, index) => {
    const sealed = seal(ringA, ctx, SECRET);
    const altered = { ...sealed, [field]: flipByte(sealed[field], index) };
    const err = expectVaultError(() => open(ringA, ctx, altered), 'tampered');
    expect(err.credentialId).toBe('cred-1');
    expect(err.message).toContain('cred-1');
  });

  test('truncated fields fail as tampered', () => {
    const sealed = seal(ringA, ctx, SECRET);
    expectVaultError(() => open(ringA, ctx, { ...sealed, authTag: sealed.authTag.subarray(0, 12) }), 'tampered');
    expectVaultError(() => open(ringA, ctx, { ...sealed, iv: sealed.iv.subarray(0, 8) }), 'tampered');
    expectVaultError(() => open(ringA, ctx, { ...sealed, wrappedKey: sealed.wrappedKey.subarray(0, 60) }), 'tampered');
    expectVaultError(() => open(ringA, ctx, { ...sealed, ciphertext: sealed.ciphertext.subarray(1) }), 'tampered');
  });

  test('AAD binds the ciphertext to credential id, kind and organization', () => {
    const sealed = seal(ringA, ctx, SECRET);
    expectVaultError(() => open(ringA, { ...ctx, credentialId: 'cred-2' }, sealed), 'tampered');
    expectVaultError(() => open(ringA, { ...ctx, kind: 'access_token' }, sealed), 'tampered');
    expectVaultError(() => open(ringA, { ...ctx, organizationId: 'other-org' }, sealed), 'tampered');
    expectVaultError(() => open(ringA, { ...ctx, organizationId: null }, sealed), 'tampered');
  });

  test("a secret ciphertext moved under another row's wrapped key fails", () => {
    const mine = seal(ringA, ctx, SECRET);
    const theirs = seal(ringA, { ...ctx, credentialId: 'cred-2' }, 'other secret');
    expectVaultError(() => open(ringA, ctx, { ...mine, wrappedKey: theirs.wrappedKey }), 'tampered');
    expectVaultError(
      () => open(ringA, { ...ctx, credentialId: 'cred-2' }, { ...theirs, ciphertext: mine.ciphertext, iv: mine.iv, authTag: mine.authTag }),
      'tampered',
    );
  });

  test('wrong key material under the right key id fails as tampered and names the key id', () => {
    const sealed = seal(ringA, ctx, SECRET);
    const impostor = Keyring.fromKeys({ a: randomBytes(32) }, 'a');
    const err = expectVaultError(() => open(impostor, ctx, sealed), 'tampered');
    expect(err.keyId).toBe('a');
    expect(err.message).toContain('key id a');
  });

  test('relabelling the key id fails (the wrap is bound to its key id)', () => {
    const ringSame = Keyring.fromKeys({ a: keyA, a2: keyA }, 'a');
    const sealed = seal(ringSame, ctx, SECRET);
    expectVaultError(() => open(ringSame, ctx, { ...sealed, keyId: 'a2' }), 'tampered');
  });

  test('an unknown key id fails as unknown_key with the documented message', () => {
    const sealed = seal(ringAB, ctx, SECRET);
    expect(sealed.keyId).toBe('b');
    const err = expectVaultError(() => open(ringA, ctx, sealed), 'unknown_key');
    expect(err.message).toBe('credential cred-1 is wrapped by key id b which is not in the keyring');
    expect(err.keyId).toBe('b');
  });
});

describe('envelope rewrap', () => {
  test('moves the data key to the current key without touching the secret ciphertext', () => {
    const old = seal(ringA, ctx, SECRET);
    const moved = rewrap(ringAB, ctx, old);
    expect(moved.keyId).toBe('b');
    const reopened = { ...old, ...moved };
    expect(open(ringAB, ctx, reopened)).toBe(SECRET);
    // The old key can now be dropped.
    expect(open(Keyring.fromKeys({ b: keyB }, 'b'), ctx, reopened)).toBe(SECRET);
  });

  test('refuses to rewrap a tampered wrapped key', () => {
    const old = seal(ringA, ctx, SECRET);
    expectVaultError(() => rewrap(ringAB, ctx, { ...old, wrappedKey: flipByte(old.wrappedKey, 30) }), 'tampered');
    expectVaultError(() => rewrap(ringAB, { ...ctx, credentialId: 'x' }, old), 'tampered');
  });
});

describe('Keyring does not show key material', () => {
  test('JSON.stringify and util.inspect name ids only', () => {
    const shown = `${JSON.stringify(ringAB)} ${inspect(ringAB, { showHidden: true, depth: 10 })} ${String(ringAB)}`;
    expect(shown).toContain('a');
    for (const key of [keyA, keyB]) {
      expect(shown).not.toContain(key.toString('base64'));
      expect(shown).not.toContain(key.toString('hex'));
    }
    expect(JSON.parse(JSON.stringify(ringAB))).toEqual({ currentKeyId: 'b', keyIds: ['a', 'b'] });
  });
});
