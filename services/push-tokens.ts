// Push channel secrets (Google channel tokens, Graph clientState) that prove themselves: each token is
// `v1.<key tag>.<nonce>.<mac>`, the MAC an HMAC-SHA256 of the nonce under a key derived (HKDF) from a vault
// master key. A webhook checks a token in memory, before any database work, so a flood of forged
// notifications costs a hash each and nothing else; the stored hash (ce_calendar_push_channels) then ties
// a genuine token to its channel. Keys rotate with the keyring: a token names its key by a short tag, and
// tokens of a retired key stop verifying once that key leaves the keyring (channels renew within days).
// Tokens stay under Graph's 128-character limit for clientState.
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Keyring } from '../vault/keyring';

const VERSION = 'v1';
const INFO = 'calendar-sync push channel token v1';
const TOKEN = /^v1\.([0-9a-f]{8})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

const tagOf = (keyId: string) => createHash('sha256').update(keyId).digest('hex').slice(0, 8);

export class PushTokens {
  readonly #keys = new Map<string, Buffer>();
  readonly #currentTag: string;

  constructor(keyring: Keyring) {
    for (const keyId of keyring.keyIds()) {
      const master = keyring.keyFor(keyId)!.export();
      this.#keys.set(tagOf(keyId), Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), INFO, 32)));
    }
    this.#currentTag = tagOf(keyring.currentKeyId);
  }

  /** A new channel secret. */
  issue(): string {
    const nonce = randomBytes(16).toString('base64url');
    return `${VERSION}.${this.#currentTag}.${nonce}.${this.#mac(this.#keys.get(this.#currentTag)!, nonce)}`;
  }

  /** True only for a token this service issued (with a key still in the keyring). No I/O. */
  verify(token: string | undefined): boolean {
    const match = token ? TOKEN.exec(token) : null;
    if (!match) return false;
    const key = this.#keys.get(match[1]!);
    if (!key) return false;
    const expected = Buffer.from(this.#mac(key, match[2]!));
    const actual = Buffer.from(match[3]!);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  #mac(key: Buffer, nonce: string): string {
    return createHmac('sha256', key).update(`${VERSION}:${nonce}`).digest('base64url');
  }
}
