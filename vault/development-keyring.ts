// The keyring `npm start` uses when none is configured: generated once under the git-ignored data folder
// (mode 0600) and reused afterwards, so credentials saved in one run still decrypt in the next.
// Production must configure its own keyring; loadStartupKeyring refuses to invent one there.

import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VaultError } from './errors';
import {
  formatKeyringFile,
  generateKeyEntry,
  isKeyringConfigured,
  keyringFromEnv,
  loadKeyringFile,
  newKeyId,
  type Keyring,
  type VaultEnv,
} from './keyring';

export const DEVELOPMENT_KEYRING_FILENAME = 'vault-keyring.dev.json';
const DEVELOPMENT_KEY_PREFIX = 'dev-';

export interface DevelopmentKeyring {
  keyring: Keyring;
  path: string;
  /** True when this call generated the file (first run). */
  created: boolean;
}

export function ensureDevelopmentKeyring(dataDir: string): DevelopmentKeyring {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, DEVELOPMENT_KEYRING_FILENAME);
  const entry = generateKeyEntry(newKeyId(DEVELOPMENT_KEY_PREFIX));
  try {
    // 'wx' fails if the file exists, so two processes starting at once cannot overwrite each other's key.
    writeFileSync(path, formatKeyringFile({ currentKeyId: entry.id, keys: { [entry.id]: entry.key } }), {
      mode: 0o600,
      flag: 'wx',
    });
    chmodSync(path, 0o600); // the mode above is subject to the umask; this is not
    return { keyring: loadKeyringFile(path), path, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // Reuse. A file someone made group/world readable is tightened back rather than used as is.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return { keyring: loadKeyringFile(path), path, created: false };
}

export interface StartupKeyring {
  keyring: Keyring;
  source: 'environment' | 'development-file';
  /** The development keyring file, when that is the source. */
  path?: string;
  created?: boolean;
}

/**
 * The keyring for a starting process: the configured one (VAULT_KEYS / VAULT_KEYRING_FILE) when set;
 * otherwise, outside production, the development keyring in `dataDir`. Throws VaultError('invalid_keyring')
 * with a message naming variables only.
 */
export function loadStartupKeyring(options: { dataDir: string; env: VaultEnv & { NODE_ENV?: string } }): StartupKeyring {
  const env = options.env;
  if (isKeyringConfigured(env)) {
    const keyring = keyringFromEnv(env);
    // The development keyring's keys (dev-...) never protect production credentials, even when copied.
    if (env.NODE_ENV === 'production' && keyring.keyIds().some((id) => id.startsWith(DEVELOPMENT_KEY_PREFIX))) {
      throw new VaultError(
        'invalid_keyring',
        'invalid vault keyring (environment): NODE_ENV=production refuses development keys (dev-...)',
      );
    }
    return { keyring, source: 'environment' };
  }
  if (env.NODE_ENV === 'production') {
    throw new VaultError(
      'invalid_keyring',
      'invalid vault keyring (environment): NODE_ENV=production requires VAULT_KEYS (with VAULT_CURRENT_KEY_ID) or ' +
        'VAULT_KEYRING_FILE; run `npm run vault:new-key` to make a key',
    );
  }
  const dev = ensureDevelopmentKeyring(options.dataDir);
  return { keyring: dev.keyring, source: 'development-file', path: dev.path, created: dev.created };
}
