// The master-key keyring: which 256-bit keys exist (by key id) and which one wraps new data keys.
//
// Sources, checked strictly at start-up (a bad keyring must stop the process, not corrupt credentials):
//   VAULT_KEYS            JSON {"k2026-11":"<base64 32 bytes>", ...}  or  "k2026-11:<base64>,k2026-05:<base64>"
//   VAULT_CURRENT_KEY_ID  the id that wraps new data keys (optional when VAULT_KEYS holds a single key)
//   VAULT_KEYRING_FILE    path to a JSON file {"currentKeyId":"...","keys":{"<id>":"<base64>"}}
//                         (VAULT_CURRENT_KEY_ID, when set, overrides the file's currentKeyId)
// Error messages name variables and key ids only, never key material.

import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { z } from 'zod';
import { VaultError } from './errors';

export const MASTER_KEY_BYTES = 32;

/** Key ids are stored in every credential row and bound into the wrap's AAD: keep them plain and short. */
const keyIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
  error: 'key ids are 1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit',
});

const keyringFileSchema = z.strictObject({
  currentKeyId: z.string(),
  keys: z.record(z.string(), z.string()),
});

export type KeyringFile = z.infer<typeof keyringFileSchema>;

export class Keyring {
  // Private fields are invisible to JSON.stringify and util.inspect; the custom hooks below make that explicit.
  readonly #keys: ReadonlyMap<string, KeyObject>;
  readonly currentKeyId: string;

  private constructor(keys: Map<string, KeyObject>, currentKeyId: string) {
    this.#keys = keys;
    this.currentKeyId = currentKeyId;
  }

  /**
   * Builds a keyring from raw keys. Throws VaultError('invalid_keyring') listing every problem found.
   * `source` names where the keys came from, for the error message (e.g. "VAULT_KEYS").
   */
  static fromKeys(keys: Record<string, Uint8Array>, currentKeyId: string, source = 'keyring'): Keyring {
    const problems: string[] = [];
    const map = new Map<string, KeyObject>();
    for (const [id, material] of Object.entries(keys)) {
      const idCheck = keyIdSchema.safeParse(id);
      if (!idCheck.success) {
        problems.push(`key id ${JSON.stringify(id)}: ${idCheck.error.issues[0]?.message ?? 'invalid'}`);
        continue;
      }
      if (material.length !== MASTER_KEY_BYTES) {
        problems.push(`key "${id}" must be ${MASTER_KEY_BYTES} bytes (it is ${material.length} bytes)`);
        continue;
      }
      map.set(id, createSecretKey(Buffer.from(material)));
    }
    if (Object.keys(keys).length === 0) problems.push('no keys configured');
    if (!currentKeyId) problems.push('no current key id configured');
    else if (!(currentKeyId in keys)) problems.push(`current key id "${currentKeyId}" is not in the keyring`);
    if (problems.length > 0) throw invalid(source, problems);
    return new Keyring(map, currentKeyId);
  }

  keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  /** The master key for `keyId`, or undefined. Only vault/envelope.ts should need this. */
  keyFor(keyId: string): KeyObject | undefined {
    return this.#keys.get(keyId);
  }

  toJSON(): { currentKeyId: string; keyIds: string[] } {
    return { currentKeyId: this.currentKeyId, keyIds: this.keyIds() };
  }

  [inspect.custom](): string {
    return `Keyring { currentKeyId: '${this.currentKeyId}', keyIds: [${this.keyIds()
      .map((id) => `'${id}'`)
      .join(', ')}] }`;
  }
}

function invalid(source: string, problems: string[]): VaultError {
  return new VaultError('invalid_keyring', `invalid vault keyring (${source}): ${problems.join('; ')}`);
}

/**
 * Decodes one base64 (or base64url) key. Buffer.from(..., 'base64') silently skips bad characters, so the
 * alphabet is checked first; the result's length is checked by Keyring.fromKeys.
 */
function decodeKey(encoded: string): Buffer | undefined {
  const trimmed = encoded.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  return Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function decodeAll(encoded: Record<string, string>, source: string): Record<string, Buffer> {
  const problems: string[] = [];
  const keys: Record<string, Buffer> = {};
  for (const [id, value] of Object.entries(encoded)) {
    const material = decodeKey(value);
    if (!material) problems.push(`key "${id}" is not base64`);
    else keys[id] = material;
  }
  if (problems.length > 0) throw invalid(source, problems);
  return keys;
}

/** Parses the VAULT_KEYS value: a JSON object or a comma-separated list of id:base64. */
export function parseKeyList(value: string, source = 'VAULT_KEYS'): Record<string, Buffer> {
  const text = value.trim();
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // The parser's message may quote the input (key material): say only that it is not JSON.
      throw invalid(source, ['value starts with "{" but is not valid JSON']);
    }
    const parsed = z.record(z.string(), z.string()).safeParse(json);
    if (!parsed.success) throw invalid(source, ['expected a JSON object of key id -> base64 key string']);
    return decodeAll(parsed.data, source);
  }
  const encoded: Record<string, string> = {};
  const problems: string[] = [];
  text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .forEach((entry, index) => {
      const colon = entry.indexOf(':');
      if (colon <= 0) {
        problems.push(`entry ${index + 1} is not of the form id:base64`);
        return;
      }
      const id = entry.slice(0, colon).trim();
      if (id in encoded) problems.push(`key id "${id}" appears twice`);
      encoded[id] = entry.slice(colon + 1);
    });
  if (problems.length > 0) throw invalid(source, problems);
  return decodeAll(encoded, source);
}

/** Reads and validates a keyring file. `currentKeyIdOverride` (VAULT_CURRENT_KEY_ID) wins over the file's. */
export function loadKeyringFile(path: string, currentKeyIdOverride?: string): Keyring {
  const source = `keyring file ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw invalid(source, [`cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return parseKeyringFile(text, source, currentKeyIdOverride);
}

export function parseKeyringFile(text: string, source: string, currentKeyIdOverride?: string): Keyring {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(source, ['not valid JSON']);
  }
  const parsed = keyringFileSchema.safeParse(json);
  if (!parsed.success) {
    // Paths and zod's generic messages only ("expected string, received number"): no values are echoed.
    throw invalid(
      source,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const keys = decodeAll(parsed.data.keys, source);
  return Keyring.fromKeys(keys, currentKeyIdOverride || parsed.data.currentKeyId, source);
}

export type VaultEnv = Partial<Record<'VAULT_KEYS' | 'VAULT_CURRENT_KEY_ID' | 'VAULT_KEYRING_FILE', string>>;

export function isKeyringConfigured(env: VaultEnv): boolean {
  return Boolean(env.VAULT_KEYS?.trim() || env.VAULT_KEYRING_FILE?.trim());
}

/** The keyring configured by the environment. Throws VaultError('invalid_keyring') if absent or malformed. */
export function keyringFromEnv(env: VaultEnv): Keyring {
  const keysValue = env.VAULT_KEYS?.trim();
  const file = env.VAULT_KEYRING_FILE?.trim();
  const current = env.VAULT_CURRENT_KEY_ID?.trim() || undefined;
  if (keysValue && file) {
    throw invalid('environment', ['set either VAULT_KEYS or VAULT_KEYRING_FILE, not both']);
  }
  if (file) return loadKeyringFile(file, current);
  if (!keysValue) {
    throw invalid('environment', ['set VAULT_KEYS (with VAULT_CURRENT_KEY_ID) or VAULT_KEYRING_FILE']);
  }
  const keys = parseKeyList(keysValue, 'VAULT_KEYS');
  const ids = Object.keys(keys);
  // A single key needs no separate "current" setting; with several, guessing would be dangerous.
  const currentKeyId = current ?? (ids.length === 1 ? ids[0]! : '');
  if (!currentKeyId && ids.length > 1) {
    throw invalid('VAULT_KEYS', ['VAULT_CURRENT_KEY_ID must name one of the keys when there are several']);
  }
  return Keyring.fromKeys(keys, currentKeyId, 'VAULT_KEYS');
}

/** A new dated key id, e.g. "k2026-11-3f9a1c" (the random suffix keeps two keys made in a month apart). */
export function newKeyId(prefix = 'k', now = new Date()): string {
  const month = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  return `${prefix}${month}-${randomBytes(3).toString('hex')}`;
}

/** A fresh random master key: its id (given, or a new dated one) and the base64 key. */
export function generateKeyEntry(id: string = newKeyId()): { id: string; key: string } {
  const check = keyIdSchema.safeParse(id);
  if (!check.success) throw invalid('new key', [`key id ${JSON.stringify(id)}: ${check.error.issues[0]?.message}`]);
  return { id, key: randomBytes(MASTER_KEY_BYTES).toString('base64') };
}

/** Serialises a keyring file's content (key material included: write it with mode 0600 only). */
export function formatKeyringFile(file: KeyringFile): string {
  return `${JSON.stringify({ currentKeyId: file.currentKeyId, keys: file.keys }, null, 2)}\n`;
}
