// The vault migration activity as the workflow sees it: ids and counts only.
import type { MigrationFailure } from '../../workflows/vault-migration/messages';

export interface MigrateBatchInput {
  organizationId: string | null;
  /** Look only at connection ids greater than this (keyset pagination; '' = from the start). */
  afterId: string;
  /** Look only at ids up to this one (a boundary from planLegacyBatches; absent: no upper bound). */
  throughId?: string;
  /**
   * When the round was planned (with throughId): the batch then counts every row of its id range moved into the
   * vault since, so a retry counts what a lost attempt (worker killed after its commit) already moved.
   */
  roundStartedAt?: string;
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

export interface PlanBatchesInput {
  organizationId: string | null;
  afterId: string;
  batchSize: number;
  /** How many batches the round holds (they run at once). */
  batches: number;
  skipFailed: boolean;
}

export interface PlanBatchesResult {
  /** The last id of each batch of the round, in order (empty: the pass reached the end). */
  boundaries: string[];
  /** When this plan was made (ISO time): each batch's roundStartedAt. */
  plannedAt: string;
  pending: number;
  pendingWithoutError: number;
}

export interface VaultMigrationActivities {
  planLegacyBatches(input: PlanBatchesInput): Promise<PlanBatchesResult>;
  migrateLegacyBatch(input: MigrateBatchInput): Promise<MigrateBatchResult>;
  /** Reports an organization's finished migration to the CRM (vault_migration.completed). */
  reportVaultMigrationCompleted(input: {
    organizationId: string;
    workflowId: string;
    migrated: number;
    failedCount: number;
  }): Promise<void>;
}
