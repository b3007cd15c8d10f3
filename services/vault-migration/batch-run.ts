// A run of the vault migration's batches in one activity: up to `batches` batches of `batchSize` rows (25: the
// documents fix the batch), one after another, each in its own transaction as before, the activity
// heartbeating its cursor after each. One activity per few hundred rows instead of one per batch takes
// Temporal's per-activity cost (dispatch, two workflow tasks) off each batch, and batches never contend with
// each other for SQLite's single writer.
// A retried run (its worker died) resumes after the last batch its heartbeat reported. What the run moved is
// counted from the rows themselves (its id range, moved since it was scheduled), so a batch that committed
// just before the worker died counts once, not zero times and not twice.
import { randomUUID } from 'node:crypto';
import { CancelledFailure } from '@temporalio/common';
import type { Db } from '../../db/client';
import type { MigrationFailure } from '../../workflows/vault-migration/messages';
import type { MigrateRunInput, MigrateRunResult } from '../../activities/vault-migration/types';
import { batchLogFields, countPending, migrateBatchRows, type VaultMigrationDeps } from './batch';

/** What a run's heartbeat carries: where a retry resumes. */
export interface RunHeartbeat {
  cursor: string;
  batches: number;
  failed: MigrationFailure[];
}

export async function migrateLegacyRun(
  deps: VaultMigrationDeps,
  input: MigrateRunInput,
  heartbeat: (details: RunHeartbeat) => void,
  resumeFrom?: RunHeartbeat,
  cancelled: () => boolean = () => false,
): Promise<MigrateRunResult> {
  const correlationId = randomUUID();
  const progress: RunHeartbeat = resumeFrom ?? { cursor: input.afterId, batches: 0, failed: [] };
  let reachedEnd = false;
  while (progress.batches < input.batches) {
    // Timed out or the worker is shutting down: a retry goes on from the last heartbeat.
    if (cancelled()) throw new CancelledFailure('vault migration run interrupted; its retry resumes after the last batch reported');
    const batch = {
      organizationId: input.organizationId,
      afterId: progress.cursor,
      batchSize: input.batchSize,
      skipFailed: input.skipFailed,
    };
    const result = await migrateBatchRows(deps, batch, () => heartbeat(progress));
    if (result.lastId === null) {
      reachedEnd = true;
      break;
    }
    progress.cursor = result.lastId;
    progress.batches += 1;
    progress.failed.push(...result.failed);
    heartbeat(progress);
    // Each batch has its log line and correlation id, as when a batch was an activity; the run's ties them.
    const batchNumber = input.firstBatchNumber + progress.batches - 1;
    deps.logger.info(
      { correlationId: randomUUID(), runCorrelationId: correlationId, ...batchLogFields({ ...input, batchNumber }, result) },
      'vault migration batch',
    );
  }
  const migrated = await movedSince(deps.db, input, progress.cursor);
  const { pending, pendingWithoutError } = await countPending(deps.db, input.organizationId);
  deps.logger.info(
    {
      correlationId,
      organizationId: input.organizationId ?? 'all',
      firstBatch: input.firstBatchNumber,
      batches: progress.batches,
      resumed: resumeFrom !== undefined,
      migrated,
      failed: progress.failed.length,
      failedConnectionIds: progress.failed.map((f) => f.connectionId),
      pending,
    },
    'vault migration batches',
  );
  return {
    correlationId,
    batches: progress.batches,
    migrated,
    failed: progress.failed,
    lastId: progress.cursor,
    reachedEnd,
    pending,
    pendingWithoutError,
  };
}

/**
 * Rows of the run's id range (after its start cursor, up to where it got) moved into the vault since it was
 * scheduled: the run's own moves, a lost attempt's included (a connection's own `migrate` signal moving a row
 * of the range meanwhile counts too). `startedAt` is the workflow's clock, the moves the workers': one box, or
 * clocks kept in step.
 */
function movedSince(db: Db, input: MigrateRunInput, throughId: string): Promise<number> {
  if (throughId === input.afterId) return Promise.resolve(0);
  return db.calendarConnection.count({
    where: {
      ...(input.organizationId === null ? {} : { organizationId: input.organizationId }),
      id: { ...(input.afterId ? { gt: input.afterId } : {}), lte: throughId },
      migrationRequired: false,
      migratedAt: { gte: new Date(input.startedAt) },
    },
  });
}
