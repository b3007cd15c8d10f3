// Deterministic Google event ids from idempotency keys: a retried create reuses the id, so Google answers
// 409 duplicate instead of making a second event.

import { createHash } from 'node:crypto';

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** 51 base32hex characters (255 bits of SHA-256), inside Google's 5-1024 limit. */
export function eventIdForKey(idempotencyKey: string): string {
  const digest = createHash('sha256').update(`calendar-sync:${idempotencyKey}`).digest();
  let bits = 0;
  let value = 0;
  let id = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      id += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return id;
}
