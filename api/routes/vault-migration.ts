// The vault migration for org admins: start it for the caller's organization (or get the one already
// running: one at a time per organization) and read its progress. `pending` is counted in the database at
// the time of the request (0 once every legacy row is in the vault); the other counts are the workflow's.
import { z } from 'zod';
import { readVaultMigration, startVaultMigration, type VaultMigrationState } from '../../clients/vault-migration';
import { PERMISSIONS } from '../auth/permissions';
import { route } from '../routing/route';
import { vaultMigrationResponse } from '../schemas';

const emptyBody = z.union([z.strictObject({}), z.undefined()]);

function view(state: VaultMigrationState, alreadyRunning?: boolean): z.infer<typeof vaultMigrationResponse> {
  const progress = state.progress;
  return {
    workflowId: state.workflowId,
    status: state.status,
    ...(alreadyRunning === undefined ? {} : { alreadyRunning }),
    pending: state.pending,
    migrated: progress?.migrated ?? null,
    failed: progress?.failed ?? [],
    failedCount: progress?.failedCount ?? 0,
    batches: progress?.batches ?? null,
    done: state.pending === 0 && state.status !== 'running',
  };
}

export const vaultMigrationRoutes = [
  route({
    method: 'post',
    path: '/v1/vault-migration',
    summary: "Move the organization's legacy plaintext tokens into the vault (starts the migration, or returns the running one)",
    tag: 'Vault migration',
    permission: PERMISSIONS.admin,
    body: emptyBody,
    responses: { 202: { description: 'Started, or already running (alreadyRunning)', schema: vaultMigrationResponse } },
  }).handle(async ({ caller }, { temporal, db, config }) => {
    const { alreadyRunning } = await startVaultMigration(
      { temporal, taskQueue: config.TEMPORAL_TASK_QUEUE },
      { organizationId: caller.organizationId },
    );
    const state = await readVaultMigration({ temporal, db }, caller.organizationId);
    return { status: 202, body: view(state, alreadyRunning) };
  }),
  route({
    method: 'get',
    path: '/v1/vault-migration',
    summary: "Progress of the organization's vault migration",
    tag: 'Vault migration',
    permission: PERMISSIONS.admin,
    responses: { 200: { description: 'Progress', schema: vaultMigrationResponse } },
  }).handle(async ({ caller }, { temporal, db }) => {
    return { status: 200, body: view(await readVaultMigration({ temporal, db }, caller.organizationId)) };
  }),
];
