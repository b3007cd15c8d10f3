// One batch of the vault migration: the next `batchSize` legacy rows (migration_required = true) after a
// keyset cursor, each moved into the vault by migrateLegacyTokens in its own transaction. A row that cannot
// be moved gets a short migration_error code and is reported; it keeps its legacy token (nothing is lost)
// and is not retried again within the same run. Every step is conditional on the row's state, so a retried
// activity (crashed worker) or a concurrent run never moves a token twice.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../db/client';
import { migrateLegacyTokens, migrateManyLegacyTokensIn } from '../oauth/token-migration';
import { isVaultError } from '../../vault/errors';
import type { Vault } from '../../vault/vault';
import type { MigrationFailure } from '../../workflows/vault-migration/messages';
import type { MigrateBatchInput, MigrateBatchResult } from '../../activities/vault-migration/types';

/** Attempts per row before its failure is recorded (a lost race is retried, not reported). */
const ROW_ATTEMPTS = 3;

export interface VaultMigrationDeps {
  db: Db;
  vault: Vault;
  logger: Logger;
}

type RowOutcome = 'migrated' | 'already_migrated' | { reason: string };

/** One batch's rows, moved; what a batch reports without the pending counts. */
export type BatchRowsResult = Omit<MigrateBatchResult, 'correlationId' | 'pending' | 'pendingWithoutError'>;

/** `heartbeat` is called after each row (the activity reports liveness with it). */
export async function migrateLegacyBatch(
  deps: VaultMigrationDeps,
  input: MigrateBatchInput,
  heartbeat: (details: unknown) => void = () => undefined,
): Promise<MigrateBatchResult> {
  const correlationId = randomUUID();
  const result = await migrateBatchRows(deps, input, heartbeat);
  const { pending, pendingWithoutError } = await countPending(deps.db, input.organizationId);
  deps.logger.info({ correlationId, ...batchLogFields(input, result), pending }, 'vault migration batch');
  return { correlationId, ...result, pending, pendingWithoutError };
}

/** The next `batchSize` legacy rows after the cursor, moved into the vault. */
export async function migrateBatchRows(
  deps: VaultMigrationDeps,
  input: Omit<MigrateBatchInput, 'batchNumber'>,
  heartbeat: (details: unknown) => void = () => undefined,
): Promise<BatchRowsResult> {
  const rows = await deps.db.calendarConnection.findMany({
    where: {
      ...scopeOf(input.organizationId),
      migrationRequired: true,
      ...(input.skipFailed ? { migrationError: null } : {}),
      ...(input.afterId ? { id: { gt: input.afterId } } : {}),
    },
    select: { id: true },
    orderBy: { id: 'asc' },
    take: input.batchSize,
  });

  let migrated = 0;
  let alreadyMigrated = 0;
  const failed: MigrationFailure[] = [];
  heartbeat('started');
  // Fast path: the whole batch in one transaction (a transaction per row costs more than the work). Any
  // problem rolls it back entirely, and the batch is redone row by row, each row on its own.
  const together = await migrateTogether(
    deps,
    rows.map((row) => row.id),
  ).catch(() => null);
  if (together) {
    migrated = together.migrated;
    alreadyMigrated = together.alreadyMigrated;
    heartbeat(rows.length);
  } else {
    for (const [index, { id }] of rows.entries()) {
      const outcome = await migrateRow(deps, id);
      if (outcome === 'migrated') migrated += 1;
      else if (outcome === 'already_migrated') alreadyMigrated += 1;
      else failed.push({ connectionId: id, reason: outcome.reason });
      heartbeat(index);
    }
  }
  return { looked: rows.length, migrated, alreadyMigrated, failed, lastId: rows.length > 0 ? rows[rows.length - 1]!.id : null };
}

/** What a batch's log line says (ids and counts only, never a token). */
export function batchLogFields(input: { organizationId: string | null; batchNumber: number }, result: BatchRowsResult) {
  return {
    organizationId: input.organizationId ?? 'all',
    batch: input.batchNumber,
    looked: result.looked,
    migrated: result.migrated,
    alreadyMigrated: result.alreadyMigrated,
    failed: result.failed.length,
    failedConnectionIds: result.failed.map((f) => f.connectionId),
  };
}

const scopeOf = (organizationId: string | null) => (organizationId === null ? {} : { organizationId });

export async function countPending(db: Db, organizationId: string | null): Promise<{ pending: number; pendingWithoutError: number }> {
  const scope = scopeOf(organizationId);
  const [pending, pendingWithoutError] = await Promise.all([
    db.calendarConnection.count({ where: { ...scope, migrationRequired: true } }),
    db.calendarConnection.count({ where: { ...scope, migrationRequired: true, migrationError: null } }),
  ]);
  return { pending, pendingWithoutError };
}

/** All rows in one transaction, in a few statements; throws (rolling back) if any row needs the careful per-row path. */
async function migrateTogether(deps: VaultMigrationDeps, ids: string[]): Promise<{ migrated: number; alreadyMigrated: number }> {
  // A row that links a credential and still has a legacy copy needs the per-row check (migrateRow).
  const needsCheck = (
    row: { accessTokenCredentialId: string | null; accessTokenEncrypted: string | null } & {
      refreshTokenCredentialId: string | null;
      refreshTokenEncrypted: string | null;
    },
  ) => Boolean((row.accessTokenCredentialId && row.accessTokenEncrypted) || (row.refreshTokenCredentialId && row.refreshTokenEncrypted));
  return deps.db.$transaction((tx) => migrateManyLegacyTokensIn(tx as unknown as Db, deps.db.provider, deps.vault, ids, needsCheck));
}

async function migrateRow(deps: VaultMigrationDeps, connectionId: string): Promise<RowOutcome> {
  const row = await deps.db.calendarConnection.findUnique({ where: { id: connectionId } });
  if (!row || !row.migrationRequired) return 'already_migrated';
  // A row that links a credential AND still has a legacy copy keeps the vault copy (migrateLegacyTokens
  // never overwrites it) and drops the legacy one: only safe if the vault copy is really readable.
  const pairs: Array<[string | null, string | null]> = [
    [row.accessTokenCredentialId, row.accessTokenEncrypted],
    [row.refreshTokenCredentialId, row.refreshTokenEncrypted],
  ];
  for (const [credentialId, legacy] of pairs) {
    if (!credentialId || !legacy) continue;
    try {
      await deps.vault.get(credentialId);
    } catch (error) {
      if (!isVaultError(error)) throw error;
      return recordFailure(deps.db, connectionId, `linked_credential_${error.code}`);
    }
  }
  let lastError: unknown;
  for (let attempt = 1; attempt <= ROW_ATTEMPTS; attempt += 1) {
    try {
      const outcome = await migrateLegacyTokens(deps, connectionId);
      return outcome === 'migrated' ? 'migrated' : 'already_migrated';
    } catch (error) {
      lastError = error;
    }
  }
  return recordFailure(deps.db, connectionId, reasonOf(lastError));
}

async function recordFailure(db: Db, connectionId: string, reason: string): Promise<{ reason: string }> {
  await db.calendarConnection.updateMany({ where: { id: connectionId, migrationRequired: true }, data: { migrationError: reason } });
  return { reason };
}

/** A code, never a message: messages of lower layers may quote values. */
function reasonOf(error: unknown): string {
  if (isVaultError(error)) return `vault_${error.code}`;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(code)) return `migration_failed_${code}`;
  const name = error instanceof Error && /^[A-Za-z]{1,40}$/.test(error.name) ? error.name : 'error';
  return `migration_failed_${name}`;
}
