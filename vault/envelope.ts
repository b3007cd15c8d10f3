// Envelope encryption of one secret. Pure crypto: no I/O, no logging.
//
// seal():  a fresh random 256-bit data key encrypts the secret with AES-256-GCM (random 96-bit IV, 128-bit
//          tag). The data key is then itself encrypted ("wrapped") with AES-256-GCM under the keyring's
//          current master key.
// open():  unwraps the data key with the master key named by `keyId`, then decrypts the secret.
// rewrap(): unwraps under the old key and wraps the SAME data key under the current key; the secret's
//          ciphertext, IV and tag are untouched, so rotating master keys never re-encrypts secrets.
//
// Why AES-256-GCM for the wrap rather than AES key wrap (RFC 3394/5649): GCM takes associated data, so the
// wrapped key is bound to its key id and credential (id, kind, organization) — a wrapped key copied to
// another row, or relabelled with another key id, fails to unwrap. AES-KW has no AAD and only a 64-bit
// integrity check. The cost is 29 extra bytes per row; random 96-bit nonces stay far below GCM's 2^32
// messages-per-key limit because master keys are rotated and each wrap is one message.
//
// AAD binds ciphertexts to their row: the secret's AAD is (credential id, kind, organization id) and the
// wrap's AAD adds the key id. The secret's AAD deliberately leaves out the key id, so re-wrapping does not
// need to touch the secret.
//
// wrapped_key layout: [version 0x01][12-byte IV][32-byte encrypted data key][16-byte tag] = 61 bytes.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { VaultError } from './errors';
import type { Keyring } from './keyring';

const ALGORITHM = 'aes-256-gcm';
const WRAP_VERSION = 0x01;
const DATA_KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const WRAPPED_KEY_BYTES = 1 + IV_BYTES + DATA_KEY_BYTES + TAG_BYTES;

/** What a sealed secret is bound to. Changing any field of the row makes open() fail with 'tampered'. */
export interface SealContext {
  credentialId: string;
  kind: string;
  organizationId: string | null;
}

/** The stored form of one secret: exactly the crypto columns of pf_credentials. */
export interface SealedSecret {
  keyId: string;
  wrappedKey: Buffer;
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
}

function secretAad(ctx: SealContext): Buffer {
  // A JSON array is an unambiguous encoding of the fields (no separator can be smuggled in an id).
  return Buffer.from(JSON.stringify(['pf-vault', 1, 'secret', ctx.credentialId, ctx.kind, ctx.organizationId]));
}

function wrapAad(ctx: SealContext, keyId: string): Buffer {
  return Buffer.from(JSON.stringify(['pf-vault', 1, 'data-key', keyId, ctx.credentialId, ctx.kind, ctx.organizationId]));
}

function masterKey(keyring: Keyring, keyId: string, credentialId: string) {
  const key = keyring.keyFor(keyId);
  if (!key) {
    throw new VaultError('unknown_key', `credential ${credentialId} is wrapped by key id ${keyId} which is not in the keyring`, {
      credentialId,
      keyId,
    });
  }
  return key;
}

function wrapDataKey(keyring: Keyring, ctx: SealContext, dataKey: Buffer): { keyId: string; wrappedKey: Buffer } {
  const keyId = keyring.currentKeyId;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, masterKey(keyring, keyId, ctx.credentialId), iv, {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(wrapAad(ctx, keyId));
  const encrypted = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return { keyId, wrappedKey: Buffer.concat([Buffer.from([WRAP_VERSION]), iv, encrypted, cipher.getAuthTag()]) };
}

function unwrapDataKey(keyring: Keyring, ctx: SealContext, keyId: string, wrappedKey: Uint8Array): Buffer {
  const key = masterKey(keyring, keyId, ctx.credentialId);
  const wrapped = Buffer.from(wrappedKey);
  if (wrapped.length !== WRAPPED_KEY_BYTES || wrapped[0] !== WRAP_VERSION) {
    throw tampered(ctx.credentialId, 'its wrapped data key is malformed', keyId);
  }
  const iv = wrapped.subarray(1, 1 + IV_BYTES);
  const encrypted = wrapped.subarray(1 + IV_BYTES, 1 + IV_BYTES + DATA_KEY_BYTES);
  const tag = wrapped.subarray(1 + IV_BYTES + DATA_KEY_BYTES);
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(wrapAad(ctx, keyId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch {
    // GCM cannot tell a wrong master key from an altered wrapped key or a row moved elsewhere.
    throw tampered(
      ctx.credentialId,
      `its data key failed authentication under key id ${keyId} (wrong key material for that id, or the wrapped key or row was altered)`,
      keyId,
    );
  }
}

function tampered(credentialId: string, why: string, keyId?: string): VaultError {
  return new VaultError('tampered', `credential ${credentialId} cannot be decrypted: ${why}`, {
    credentialId,
    ...(keyId !== undefined ? { keyId } : {}),
  });
}

/** Encrypts `secret` for the row described by `ctx`, wrapping its data key under the current master key. */
export function seal(keyring: Keyring, ctx: SealContext, secret: string): SealedSecret {
  const dataKey = randomBytes(DATA_KEY_BYTES);
  try {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, dataKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(secretAad(ctx));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    const authTag = cipher.getAuthTag();
    return { ...wrapDataKey(keyring, ctx, dataKey), ciphertext, iv, authTag };
  } finally {
    dataKey.fill(0); // best effort: do not leave the plaintext data key lying in memory
  }
}

/** Decrypts a sealed secret. Throws VaultError 'unknown_key' or 'tampered'; never returns garbage. */
export function open(keyring: Keyring, ctx: SealContext, sealed: SealedSecretInput): string {
  const dataKey = unwrapDataKey(keyring, ctx, sealed.keyId, sealed.wrappedKey);
  try {
    if (sealed.iv.length !== IV_BYTES || sealed.authTag.length !== TAG_BYTES) {
      throw tampered(ctx.credentialId, 'its IV or auth tag has the wrong length', sealed.keyId);
    }
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv(ALGORITHM, dataKey, Buffer.from(sealed.iv), { authTagLength: TAG_BYTES });
      decipher.setAAD(secretAad(ctx));
      decipher.setAuthTag(Buffer.from(sealed.authTag));
      plaintext = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext)), decipher.final()]);
    } catch {
      throw tampered(
        ctx.credentialId,
        'its ciphertext failed authentication (ciphertext, IV or auth tag altered, or the row was moved)',
        sealed.keyId,
      );
    }
    const secret = plaintext.toString('utf8');
    plaintext.fill(0);
    return secret;
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Re-wraps the data key under the keyring's current key. Returns only the new keyId and wrappedKey: the
 * secret's ciphertext, IV and tag stay as they are. The old wrap is authenticated first, so a tampered row
 * is reported rather than laundered into a fresh, valid-looking wrap.
 */
export function rewrap(
  keyring: Keyring,
  ctx: SealContext,
  sealed: Pick<SealedSecretInput, 'keyId' | 'wrappedKey'>,
): { keyId: string; wrappedKey: Buffer } {
  const dataKey = unwrapDataKey(keyring, ctx, sealed.keyId, sealed.wrappedKey);
  try {
    return wrapDataKey(keyring, ctx, dataKey);
  } finally {
    dataKey.fill(0);
  }
}

/** Database drivers hand back Uint8Array (Prisma 7) or Buffer; both are accepted when opening. */
export interface SealedSecretInput {
  keyId: string;
  wrappedKey: Uint8Array;
  ciphertext: Uint8Array;
  iv: Uint8Array;
  authTag: Uint8Array;
}
