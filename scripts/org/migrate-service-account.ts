// Moves organizations of the old shared-service-account setup to organization connections (one Google
// organization connection each, an organization-managed connection per user whose calendar the old sync
// used). Idempotent: run it again after fixing the input and only what is missing is done.
//
//   npm run org:migrate-service-account -- --key service-account.json --input organizations.json
//
// organizations.json: [{"organizationId":"acme","domain":"acme.example","mode":"full",
//                       "calendars":[{"calendarId":"alice@acme.example","userId":"alice"}]}]
// The key file is read once and sealed in the vault; it is never printed.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import { ConnectionWorkflowClient } from '../../clients/connection-workflow';
import { loadConfig } from '../../config';
import { temporalConnectionOptions } from '../../config/temporal';
import { ORGANIZATION_CONNECTION_MODES } from '../../domain/organization-connections';
import { createServiceDependencies } from '../../services/dependencies';
import { migrateServiceAccountOrganizations } from '../../services/organization/service-account-migration';

const keySchema = z.object({
  type: z.literal('service_account'),
  client_email: z.email(),
  private_key: z.string().min(1),
  private_key_id: z.string().optional(),
  token_uri: z.url().optional(),
});
const organizationsSchema = z
  .array(
    z.strictObject({
      organizationId: z.string().min(1).max(128),
      domain: z.string().min(3).max(253),
      mode: z.enum(ORGANIZATION_CONNECTION_MODES).optional(),
      calendars: z
        .array(z.strictObject({ calendarId: z.string().min(1).max(1024), userId: z.string().min(1).max(200).optional() }))
        .max(100),
    }),
  )
  .max(1000);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { key: { type: 'string' }, input: { type: 'string' }, by: { type: 'string', default: 'migration' } },
  });
  if (!values.key || !values.input) throw new Error('--key <service account key file> and --input <organizations.json> are required');
  const serviceAccountKey = keySchema.parse(JSON.parse(readFileSync(values.key, 'utf8')));
  const organizations = organizationsSchema.parse(JSON.parse(readFileSync(values.input, 'utf8')));
  const config = loadConfig();
  const deps = createServiceDependencies(config, { component: 'org-migration' });
  const connection = await Connection.connect(temporalConnectionOptions(config));
  try {
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: deps.dataConverter });
    const workflows = new ConnectionWorkflowClient(temporal, config.TEMPORAL_TASK_QUEUE, config.SYNC_MIN_GAP_SECONDS * 1000);
    const results = await migrateServiceAccountOrganizations(
      { ...deps, workflows },
      { serviceAccountKey, organizations, createdBy: values.by! },
    );
    for (const result of results) {
      console.log(
        `${result.organizationId}: organization connection ${result.organizationConnection}, ` +
          `${result.enrolled.filter((e) => !e.alreadyEnrolled).length} enrolled, ` +
          `${result.enrolled.filter((e) => e.alreadyEnrolled).length} already enrolled, ` +
          `${result.skipped.length} skipped${result.skipped.map((s) => ` (${s.email}: ${s.reason})`).join('')}, ` +
          `${result.notMigrated.length} calendars not migrated${result.notMigrated.map((n) => ` (${n.calendarId}: ${n.reason})`).join('')}`,
      );
    }
  } finally {
    await connection.close();
    await deps.db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(`org:migrate-service-account failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
