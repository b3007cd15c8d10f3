// Secrets we only ever need to recognise (push channel tokens, OAuth state, iCal feed tokens) are stored as
// SHA-256 hashes and compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function matchesHash(secret: string | undefined, hash: string): boolean {
  if (!secret) return false;
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(hash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A random URL-safe secret with 256 bits of entropy. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
