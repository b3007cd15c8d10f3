// `npm run vault:rewrap [-- --batch-size 200]`: after a new master key is made current, re-wraps every
// credential's data key under it (secrets themselves are not re-encrypted), then prints how many
// credentials each key id still wraps. A key id with no credentials left may be removed from the keyring.
// Safe to interrupt and re-run. Uses the same configuration as the service (DATABASE_URL, VAULT_*,
// DATA_DIR for the development keyring). Prints ids and counts only.
// Exit codes: 0 done; 1 configuration or database error; 2 some credentials could not be re-wrapped.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { createDb } from '../../db/client';
import { loadStartupKeyring } from '../../vault/development-keyring';
import { isVaultError } from '../../vault/errors';
import { Vault } from '../../vault/vault';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'batch-size': { type: 'string', default: '100' } } });
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    console.error('vault:rewrap: --batch-size must be a positive integer');
    return 1;
  }
  const config = loadConfig();
  const { keyring, source } = loadStartupKeyring({ dataDir: config.DATA_DIR, env: config });
  console.log(
    `keyring (${source === 'environment' ? 'configured' : 'development file'}): ` +
      `current key id ${keyring.currentKeyId}; key ids ${keyring.keyIds().join(', ')}`,
  );

  const db = createDb(config.DATABASE_URL);
  try {
    const vault = new Vault(db, keyring);
    const result = await vault.rewrapAll({
      batchSize,
      onBatch: ({ rewrapped, scanned }) => console.log(`  ... ${rewrapped} re-wrapped of ${scanned} scanned`),
    });
    console.log(`rewrapped: ${result.rewrapped}`);
    console.log(`already current: ${result.alreadyCurrent}`);
    console.log(`failed: ${result.failed.length}`);
    const shown = 50; // enough to start investigating; the rest are the same query away
    for (const failure of result.failed.slice(0, shown)) {
      console.log(`  credential ${failure.credentialId} (key id ${failure.keyId}): ${failure.code}`);
    }
    if (result.failed.length > shown) console.log(`  ... and ${result.failed.length - shown} more`);
    console.log('credentials per key id:');
    const counts = await vault.countByKeyId();
    for (const [keyId, count] of Object.entries(counts)) {
      console.log(`  ${keyId}: ${count}${keyId === keyring.currentKeyId ? ' (current)' : ''}`);
    }
    const removable = keyring.keyIds().filter((id) => id !== keyring.currentKeyId && !counts[id]);
    if (removable.length > 0) console.log(`no credential uses key id(s) ${removable.join(', ')}: they may be removed`);
    return result.failed.length > 0 ? 2 : 0;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // VaultErrors and configuration errors carry id-only messages; anything else is shown by type only,
    // since a driver error could quote a query's parameters.
    const message =
      isVaultError(err) || (err instanceof Error && err.message.startsWith('Invalid configuration'))
        ? err.message
        : `${(err as Error)?.name ?? 'Error'}${(err as { code?: string })?.code ? ` (${(err as { code?: string }).code})` : ''}`;
    console.error(`vault:rewrap failed: ${message}`);
    process.exit(1);
  },
);
