// Starting and reading the vault migration workflow (workflows/vault-migration): shared by the API and by
// scripts/tests. One migration per scope at a time is Temporal's doing: a start while one with the same
// workflow id runs is rejected, and we answer with the running one instead.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { withTenantScope } from '../db/tenant-scope';
import { OrganizationId } from '../workflows/search-attributes';
import {
  progressQuery,
  vaultMigrationWorkflowId,
  type VaultMigrationInput,
  type VaultMigrationProgress,
} from '../workflows/vault-migration/messages';
import type { vaultMigrationWorkflow } from '../workflows/vault-migration/workflow';

export interface VaultMigrationState {
  workflowId: string;
  status: 'not_started' | 'running' | 'completed' | 'failed';
  /** Legacy rows in scope right now, from the database. */
  pending: number;
  /** The workflow's own counts (null: no workflow, or it did not answer). */
  progress: VaultMigrationProgress | null;
}

export async function startVaultMigration(
  deps: { temporal: Client; taskQueue: string },
  input: Omit<VaultMigrationInput, 'carried'>,
): Promise<{ workflowId: string; alreadyRunning: boolean }> {
  const workflowId = vaultMigrationWorkflowId(input.organizationId);
  try {
    await deps.temporal.workflow.start<typeof vaultMigrationWorkflow>('vaultMigrationWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId,
      args: [input],
      // A finished migration may be run again (it is idempotent); a running one is never duplicated.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      ...(input.organizationId !== null ? { typedSearchAttributes: [{ key: OrganizationId, value: input.organizationId }] } : {}),
    });
    return { workflowId, alreadyRunning: false };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, alreadyRunning: true };
    throw error;
  }
}

export async function readVaultMigration(deps: { temporal: Client; db: Db }, organizationId: string | null): Promise<VaultMigrationState> {
  const workflowId = vaultMigrationWorkflowId(organizationId);
  const where = { migrationRequired: true, ...(organizationId === null ? {} : { organizationId }) };
  // An organization's count is read in its tenant scope (row-level security on PostgreSQL).
  const pending =
    organizationId === null
      ? await deps.db.calendarConnection.count({ where })
      : await withTenantScope(deps.db, organizationId, (tx) => tx.calendarConnection.count({ where }));
  const handle = deps.temporal.workflow.getHandle(workflowId);
  let statusName: string;
  try {
    statusName = (await handle.describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { workflowId, status: 'not_started', pending, progress: null };
    throw error;
  }
  if (statusName === 'RUNNING' || statusName === 'CONTINUED_AS_NEW') {
    const progress = await deps.temporal.withDeadline(Date.now() + 2_000, () => handle.query(progressQuery)).catch(() => null);
    return { workflowId, status: 'running', pending, progress };
  }
  if (statusName === 'COMPLETED') {
    return { workflowId, status: 'completed', pending, progress: await handle.result() };
  }
  return { workflowId, status: 'failed', pending, progress: null };
}
