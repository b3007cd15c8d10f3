// The vault migration: moves every legacy plaintext token (rows with migration_required = true, of one
// organization or of all) into the credential vault, one batch of 25 rows per activity call, until none
// remain; since 'vault-migration-batch-runs' up to 20 batches per activity (a run). Each batch is
// conditional per row (services/vault-migration/batch.ts), so a crashed worker's retried batch or a second
// run never moves a token twice. The workflow continues as new between batches (every
// VAULT_MIGRATION_BATCHES_PER_RUN), carrying its counts and keyset cursor, so its history stays small
// however many rows there are.
//
// Passes: pass 0 walks every legacy row in id order (rows that failed in an earlier run are retried once).
// A row that fails records migration_error; when the cursor reaches the end, rows that are still pending
// without an error (added behind the cursor meanwhile) get another pass that skips failed rows. So every
// row is tried, and a failing row is reported, never retried forever.
import { continueAsNew, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { VaultMigrationActivities } from '../../activities/vault-migration/types';
import {
  MAX_REPORTED_FAILURES,
  VAULT_MIGRATION_BATCHES_PER_RUN,
  VAULT_MIGRATION_BATCH_SIZE,
  progressQuery,
  type MigrationFailure,
  type VaultMigrationCarried,
  type VaultMigrationInput,
  type VaultMigrationProgress,
} from './messages';

/** A safety stop: more passes than this means rows keep appearing behind the cursor. */
const MAX_PASSES = 10;
/** Batches of 25 per activity (patched 'vault-migration-batch-runs'): 500 rows, well under a second. */
const BATCHES_PER_RUN_ACTIVITY = 20;

const { migrateLegacyBatch, reportVaultMigrationCompleted } = proxyActivities<VaultMigrationActivities>({
  startToCloseTimeout: '5 minutes',
  // The batch heartbeats after each row: a crashed worker's batch is retried on another one this soon.
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * Runs of batches (patched 'vault-migration-batch-runs'): a run heartbeats after every batch (tens of ms), so
 * a killed worker's run is retried after 2 s and resumes after its last reported batch. A batch slower than
 * that (waiting for the write lock) gets a second attempt beside it: both stay correct (every move is
 * conditional, the count comes from the rows) and the first one stops at its next heartbeat.
 */
const runs = proxyActivities<VaultMigrationActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '2 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

export async function vaultMigrationWorkflow(input: VaultMigrationInput): Promise<VaultMigrationProgress> {
  const batchSize = input.batchSize ?? VAULT_MIGRATION_BATCH_SIZE;
  const batchesPerRun = input.batchesPerRun ?? VAULT_MIGRATION_BATCHES_PER_RUN;
  const state: VaultMigrationCarried = input.carried ?? {
    migrated: 0,
    pending: 0,
    failed: [],
    failedCount: 0,
    batches: 0,
    cursor: '',
    pass: 0,
  };
  let done = false;
  const progress = (): VaultMigrationProgress => ({
    migrated: state.migrated,
    pending: state.pending,
    failed: state.failed,
    failedCount: state.failedCount,
    batches: state.batches,
    done,
  });
  setHandler(progressQuery, progress);

  // Since 'vault-migration-batch-runs': several batches per activity (runs recorded before go on one batch
  // per activity).
  if (patched('vault-migration-batch-runs')) return batchRuns(input, state, batchSize, batchesPerRun, () => (done = true), progress);

  let batchesThisRun = 0;
  for (;;) {
    const result = await migrateLegacyBatch({
      organizationId: input.organizationId,
      afterId: state.cursor,
      batchSize,
      skipFailed: state.pass > 0,
      batchNumber: state.batches + 1,
    });
    state.batches += 1;
    batchesThisRun += 1;
    state.migrated += result.migrated;
    state.pending = result.pending;
    addFailures(state, result.failed);

    if (result.lastId !== null) {
      state.cursor = result.lastId;
    } else if (result.pendingWithoutError > 0 && state.pass + 1 < MAX_PASSES) {
      state.pass += 1;
      state.cursor = '';
    } else {
      done = true;
      // The CRM hears it (vault_migration.completed). Patched: runs recorded before never reported.
      if (input.organizationId !== null && patched('report-vault-migration-completed')) await reportCompleted(input.organizationId, state);
      return progress();
    }
    if (batchesThisRun >= batchesPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof vaultMigrationWorkflow>({ ...input, carried: state });
    }
  }
}

/** The same passes, counts, report and continue-as-new as the batch-per-activity loop, a run at a time. */
async function batchRuns(
  input: VaultMigrationInput,
  state: VaultMigrationCarried,
  batchSize: number,
  batchesPerRun: number,
  finish: () => void,
  progress: () => VaultMigrationProgress,
): Promise<VaultMigrationProgress> {
  let batchesThisRun = 0;
  for (;;) {
    const result = await runs.migrateLegacyRun({
      organizationId: input.organizationId,
      afterId: state.cursor,
      batchSize,
      batches: BATCHES_PER_RUN_ACTIVITY,
      skipFailed: state.pass > 0,
      firstBatchNumber: state.batches + 1,
      startedAt: new Date().toISOString(),
    });
    state.batches += result.batches;
    batchesThisRun += result.batches;
    state.migrated += result.migrated;
    state.pending = result.pending;
    addFailures(state, result.failed);
    state.cursor = result.lastId;

    if (result.reachedEnd) {
      if (result.pendingWithoutError > 0 && state.pass + 1 < MAX_PASSES) {
        state.pass += 1;
        state.cursor = '';
        continue;
      }
      finish();
      if (input.organizationId !== null) await reportCompleted(input.organizationId, state);
      return progress();
    }
    if (batchesThisRun >= batchesPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof vaultMigrationWorkflow>({ ...input, carried: state });
    }
  }
}

/** The organization's migration is over: the CRM hears it (vault_migration.completed). */
async function reportCompleted(organizationId: string, { migrated, failedCount }: VaultMigrationCarried): Promise<void> {
  await reportVaultMigrationCompleted({ organizationId, workflowId: workflowInfo().workflowId, migrated, failedCount });
}

function addFailures(state: VaultMigrationCarried, failures: MigrationFailure[]): void {
  for (const failure of failures) {
    const known = state.failed.find((f) => f.connectionId === failure.connectionId);
    if (known) {
      known.reason = failure.reason;
      continue;
    }
    state.failedCount += 1;
    if (state.failed.length < MAX_REPORTED_FAILURES) state.failed.push(failure);
  }
}
