// The vault migration for org admins: start it for the caller's organization (or get the one already
// running: one at a time per organization) and read its progress. `pending` is counted in the database at
// the time of the request (0 once every legacy row is in the vault); the other counts are the workflow's.
import { Router } from 'express';
import { z } from 'zod';
import { readVaultMigration, startVaultMigration, type VaultMigrationState } from '../../services/vault-migration';
import { requirePermission } from '../auth/middleware';
import { PERMISSIONS } from '../auth/permissions';
import type { ApiContext } from '../dependencies';
import { standardErrors, type RouteDoc } from '../route-docs';
import { noQuery, vaultMigrationResponse } from '../schemas';
import { parseInput } from '../validation';

const emptyBody = z.union([z.strictObject({}), z.undefined()]);

export const vaultMigrationRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/vault-migration',
    summary: "Move the organization's legacy plaintext tokens into the vault (starts the migration, or returns the running one)",
    tag: 'Vault migration',
    auth: true,
    permission: PERMISSIONS.admin,
    query: noQuery,
    body: emptyBody,
    responses: {
      202: { description: 'Started, or already running (alreadyRunning)', schema: vaultMigrationResponse },
      ...standardErrors(),
    },
  },
  {
    method: 'get',
    path: '/v1/vault-migration',
    summary: "Progress of the organization's vault migration",
    tag: 'Vault migration',
    auth: true,
    permission: PERMISSIONS.admin,
    query: noQuery,
    responses: { 200: { description: 'Progress', schema: vaultMigrationResponse }, ...standardErrors() },
  },
];

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

export function vaultMigrationRouter(ctx: ApiContext): Router {
  const { db, temporal, config } = ctx;
  const router = Router();

  router.post('/v1/vault-migration', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.admin);
    parseInput(noQuery, request.query, 'query');
    parseInput(emptyBody, request.body, 'body');
    const { alreadyRunning } = await startVaultMigration(
      { temporal, taskQueue: config.TEMPORAL_TASK_QUEUE },
      { organizationId: caller.organizationId },
    );
    const state = await readVaultMigration({ temporal, db }, caller.organizationId);
    response.status(202).json(view(state, alreadyRunning));
  });

  router.get('/v1/vault-migration', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.admin);
    parseInput(noQuery, request.query, 'query');
    response.json(view(await readVaultMigration({ temporal, db }, caller.organizationId)));
  });

  return router;
}
