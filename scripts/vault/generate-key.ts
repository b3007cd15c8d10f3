// `npm run vault:new-key`: makes a new random 256-bit master key for the vault keyring.
//
//   npm run vault:new-key                      prints "id:base64" on stdout (append to VAULT_KEYS with a comma)
//   npm run vault:new-key -- --json            prints {"id":"...","key":"..."} instead
//   npm run vault:new-key -- --id k2027-01     chooses the key id
//   npm run vault:new-key -- --keyring-file ring.json [--make-current]
//                                              adds the key to a keyring file (created with mode 0600 if
//                                              absent) and prints only the new key id
//
// Rotation: add the new key, make it current (VAULT_CURRENT_KEY_ID or --make-current), restart the
// service, run `npm run vault:rewrap`, and remove the old key once rewrap reports no credential uses it.
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isVaultError } from '../../vault/errors';
import { formatKeyringFile, generateKeyEntry, parseKeyringFile } from '../../vault/keyring';

function main(): number {
  const { values } = parseArgs({
    options: {
      id: { type: 'string' },
      json: { type: 'boolean', default: false },
      'keyring-file': { type: 'string' },
      'make-current': { type: 'boolean', default: false },
    },
  });
  const entry = generateKeyEntry(values.id);
  const file = values['keyring-file'];

  if (!file) {
    if (values['make-current']) {
      console.error('vault:new-key: --make-current needs --keyring-file (otherwise set VAULT_CURRENT_KEY_ID)');
      return 1;
    }
    console.log(values.json ? JSON.stringify(entry) : `${entry.id}:${entry.key}`);
    console.error(
      `New master key ${entry.id}. Add it to VAULT_KEYS (or a keyring file), set VAULT_CURRENT_KEY_ID=${entry.id}, ` +
        'restart, then run npm run vault:rewrap. Store it like a password: without it, credentials wrapped by it ' +
        'cannot be decrypted.',
    );
    return 0;
  }

  let keys: Record<string, string> = {};
  let currentKeyId = entry.id;
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    parseKeyringFile(text, `keyring file ${file}`); // refuse to extend a file that is already invalid
    const existing = JSON.parse(text) as { currentKeyId: string; keys: Record<string, string> };
    if (entry.id in existing.keys) {
      console.error(`vault:new-key: key id ${entry.id} is already in ${file}`);
      return 1;
    }
    keys = existing.keys;
    currentKeyId = values['make-current'] ? entry.id : existing.currentKeyId;
  }
  keys[entry.id] = entry.key;
  // Write a sibling temp file (mode 0600) and rename it over the original: never a half-written keyring.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, formatKeyringFile({ currentKeyId, keys }), { mode: 0o600, flag: 'wx' });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
  console.log(entry.id);
  console.error(
    `Added key ${entry.id} to ${file}; current key id is ${currentKeyId}.` +
      (currentKeyId === entry.id ? ' Restart the service, then run npm run vault:rewrap.' : ''),
  );
  return 0;
}

try {
  process.exit(main());
} catch (err) {
  console.error(`vault:new-key failed: ${isVaultError(err) ? err.message : (err as Error).message}`);
  process.exit(1);
}
