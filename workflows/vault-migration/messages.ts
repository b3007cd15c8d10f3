// The vault migration workflow's public surface: id scheme, input, progress query. The API imports only this
// file (never the workflow body).
import { defineQuery } from '@temporalio/workflow';

/** Rows handled per batch (one activity call), as the requirement's backfill does. */
export const VAULT_MIGRATION_BATCH_SIZE = 25;
/**
 * Batches per workflow run before continuing as new: ~6 history events per batch keeps a run near 300
 * events. Continuing as new after every batch was measured at ~0.85 s per batch on the dev server (a new
 * run each time), against ~0.2 s per batch this way.
 */
export const VAULT_MIGRATION_BATCHES_PER_RUN = 50;
/** At most this many failures are listed in progress (the count is always exact). */
export const MAX_REPORTED_FAILURES = 100;

/**
 * One migration at a time per scope, enforced by Temporal: a second start with the same id is rejected while
 * one runs. `null` organization = every organization: `vault-migration` with no suffix, which no
 * organization's id (`vault-migration:<org>`, org never empty) can equal, an organization named `all` included.
 */
export const vaultMigrationWorkflowId = (organizationId: string | null): string =>
  organizationId === null ? 'vault-migration' : `vault-migration:${organizationId}`;

export interface MigrationFailure {
  connectionId: string;
  /** A short code naming what failed (never a token or an email). */
  reason: string;
}

export interface VaultMigrationProgress {
  /** Rows this migration moved into the vault. */
  migrated: number;
  /** Legacy rows in scope still flagged migration_required, as of the last batch (failed ones included). */
  pending: number;
  failed: MigrationFailure[];
  failedCount: number;
  batches: number;
  done: boolean;
}

/** Carried across continue-as-new. */
export interface VaultMigrationCarried {
  migrated: number;
  pending: number;
  failed: MigrationFailure[];
  failedCount: number;
  batches: number;
  /** Keyset cursor: the last connection id the current pass looked at ('' = start of a pass). */
  cursor: string;
  /** Pass 0 looks at every legacy row; later passes only at rows without a migration_error (see workflow). */
  pass: number;
}

export interface VaultMigrationInput {
  organizationId: string | null;
  batchSize?: number;
  /** Continue as new after this many batches (default VAULT_MIGRATION_BATCHES_PER_RUN). */
  batchesPerRun?: number;
  carried?: VaultMigrationCarried;
}

export const progressQuery = defineQuery<VaultMigrationProgress>('progress');
