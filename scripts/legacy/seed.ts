// Creates connection rows as they were before the credential vault (plaintext tokens in the legacy columns,
// migration_required = true), to try the vault migration on:
//
//   npm run legacy:seed -- --org acme --count 100 [--provider google]
//
// The tokens are random strings: the rows migrate, but they cannot call a provider (no workflow is started
// for them). Then: POST /v1/vault-migration with an org admin token, and GET it for progress.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { createDb } from '../../db/client';
import { insertLegacyConnections } from './legacy-rows';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      org: { type: 'string' },
      count: { type: 'string', default: '10' },
      provider: { type: 'string', default: 'google' },
    },
  });
  const count = Number(values.count);
  const provider = values.provider;
  if (!values.org || !/^[^\s]{1,128}$/.test(values.org)) throw new Error('--org must be an organization id, e.g. acme');
  if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new Error('--count must be a whole number from 1 to 100000');
  if (provider !== 'google' && provider !== 'microsoft') throw new Error('--provider must be google or microsoft');

  const db = createDb(loadConfig().DATABASE_URL);
  try {
    const ids = await insertLegacyConnections(db, { organizationId: values.org, count, provider });
    const pending = await db.calendarConnection.count({ where: { organizationId: values.org, migrationRequired: true } });
    console.log(
      `created ${ids.length} legacy ${provider} connections in organization ${values.org}; ${pending} rows now need the vault migration`,
    );
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(`legacy:seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
