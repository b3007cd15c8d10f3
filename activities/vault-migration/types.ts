// The vault migration activity as the workflow sees it: ids and counts only.
import type { MigrationFailure } from '../../workflows/vault-migration/messages';

export interface MigrateBatchInput {
  organizationId: string | null;
  /** Look only at connection ids greater than this (keyset pagination; '' = from the start). */
  afterId: string;
  batchSize: number;
  /** Skip rows that already carry a migration_error (later passes of one run). */
  skipFailed: boolean;
  /** For the log line only. */
  batchNumber: number;
}

export interface MigrateBatchResult {
  correlationId: string;
  /** Rows looked at (0: the pass reached the end). */
  looked: number;
  migrated: number;
  /** Rows someone else migrated meanwhile (a connection workflow's `migrate` signal, a concurrent run). */
  alreadyMigrated: number;
  failed: MigrationFailure[];
  /** Last id looked at: the next batch's afterId. */
  lastId: string | null;
  /** Legacy rows in scope after this batch, and those of them without a recorded error. */
  pending: number;
  pendingWithoutError: number;
}

export interface MigrateRunInput {
  organizationId: string | null;
  /** Start after this connection id (keyset cursor; '' = from the start). */
  afterId: string;
  batchSize: number;
  /** At most this many batches in the run. */
  batches: number;
  skipFailed: boolean;
  /** For the log line only. */
  firstBatchNumber: number;
  /** When the workflow scheduled the run (ISO time): rows of its range moved since count as its own. */
  startedAt: string;
}

export interface MigrateRunResult {
  correlationId: string;
  /** Batches that found rows (the empty one that ends a pass is not counted). */
  batches: number;
  migrated: number;
  failed: MigrationFailure[];
  /** The next run's afterId. */
  lastId: string;
  /** The pass reached the end of the legacy rows. */
  reachedEnd: boolean;
  pending: number;
  pendingWithoutError: number;
}

export interface VaultMigrationActivities {
  migrateLegacyBatch(input: MigrateBatchInput): Promise<MigrateBatchResult>;
  /** Several batches in one activity (runs since patched 'vault-migration-batch-runs'). */
  migrateLegacyRun(input: MigrateRunInput): Promise<MigrateRunResult>;
  /** Reports an organization's finished migration to the CRM (vault_migration.completed). */
  reportVaultMigrationCompleted(input: {
    organizationId: string;
    workflowId: string;
    migrated: number;
    failedCount: number;
  }): Promise<void>;
}
