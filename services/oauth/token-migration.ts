// Moves one connection's legacy plaintext tokens (access_token_encrypted / refresh_token_encrypted, which
// despite their names hold plaintext) into the vault: each present token is sealed and linked, the legacy
// column cleared, migration_required set false and migrated_at set, all in one transaction. Idempotent:
// a row already migrated is left alone, and a token already in the vault is never overwritten by an older
// legacy copy. Used by the batch migration workflow and by a connection workflow's `migrate` signal.
import type { Db, DbProvider } from '../../db/client';
import { insertCredentials, linkMigratedTokens } from '../../data/bulk-writes';
import type { Vault } from '../../vault/vault';

export type MigrationOutcome = 'migrated' | 'already_migrated' | 'not_found';

export async function migrateLegacyTokens(deps: { db: Db; vault: Vault }, connectionId: string): Promise<MigrationOutcome> {
  return deps.db.$transaction((tx) => migrateLegacyTokensIn(tx as unknown as Db, deps.vault, connectionId));
}

/**
 * The same move inside a transaction the caller owns (`tx`), so a batch can move many rows in one
 * transaction. Throws when the row changed concurrently: the caller's transaction must then roll back.
 */
export async function migrateLegacyTokensIn(tx: Db, vault: Vault, connectionId: string): Promise<MigrationOutcome> {
  const row = await tx.calendarConnection.findUnique({ where: { id: connectionId } });
  if (!row) return 'not_found';
  if (!row.migrationRequired) return 'already_migrated';
  const txVault = vault.using(tx);
  let { accessTokenCredentialId, refreshTokenCredentialId } = row;
  if (row.accessTokenEncrypted && !accessTokenCredentialId) {
    accessTokenCredentialId = await txVault.put({
      kind: 'access_token',
      organizationId: row.organizationId,
      secret: row.accessTokenEncrypted,
    });
  }
  if (row.refreshTokenEncrypted && !refreshTokenCredentialId) {
    refreshTokenCredentialId = await txVault.put({
      kind: 'refresh_token',
      organizationId: row.organizationId,
      secret: row.refreshTokenEncrypted,
    });
  }
  // Conditional on the row still being exactly as read (still needing migration, same links, same legacy
  // copies), so neither a concurrent run nor a concurrent token refresh (storeTokens links freshly
  // rotated tokens) can be overwritten by the older tokens read here; on a race the transaction rolls
  // back (no orphaned credentials) and the caller retries against the new state.
  const { count } = await tx.calendarConnection.updateMany({
    where: {
      id: connectionId,
      migrationRequired: true,
      accessTokenCredentialId: row.accessTokenCredentialId,
      refreshTokenCredentialId: row.refreshTokenCredentialId,
      accessTokenEncrypted: row.accessTokenEncrypted,
      refreshTokenEncrypted: row.refreshTokenEncrypted,
    },
    data: {
      accessTokenCredentialId,
      refreshTokenCredentialId,
      accessTokenEncrypted: null,
      refreshTokenEncrypted: null,
      migrationRequired: false,
      migratedAt: new Date(),
      migrationError: null,
    },
  });
  if (count !== 1) throw new Error(`connection ${connectionId} was migrated concurrently; retrying`);
  return 'migrated';
}

interface LegacyRow {
  id: string;
  organizationId: string;
  accessTokenCredentialId: string | null;
  refreshTokenCredentialId: string | null;
  accessTokenEncrypted: string | null;
  refreshTokenEncrypted: string | null;
}

/**
 * The same move for many rows inside the caller's transaction, in a few statements: one read, one insert of
 * every new credential (raw: Prisma's createMany costs milliseconds per row), one conditional update per row
 * (as migrateLegacyTokensIn). Throws when a row changed concurrently, or when a row links a credential and
 * still has a legacy copy (`needsCheck`: the caller's per-row path verifies the vault copy first); the
 * caller's transaction must then roll back.
 */
export async function migrateManyLegacyTokensIn(
  tx: Db,
  provider: DbProvider,
  vault: Vault,
  connectionIds: string[],
  needsCheck: (row: LegacyRow) => boolean,
): Promise<{ migrated: number; alreadyMigrated: number }> {
  const rows = await tx.calendarConnection.findMany({
    where: { id: { in: connectionIds }, migrationRequired: true },
    select: {
      id: true,
      organizationId: true,
      accessTokenCredentialId: true,
      refreshTokenCredentialId: true,
      accessTokenEncrypted: true,
      refreshTokenEncrypted: true,
    },
  });
  if (rows.some(needsCheck)) throw new Error('a row needs the per-row path');
  const secrets = rows.flatMap((row) => [
    ...(row.accessTokenEncrypted && !row.accessTokenCredentialId
      ? [{ row, field: 'access' as const, kind: 'access_token' as const, secret: row.accessTokenEncrypted }]
      : []),
    ...(row.refreshTokenEncrypted && !row.refreshTokenCredentialId
      ? [{ row, field: 'refresh' as const, kind: 'refresh_token' as const, secret: row.refreshTokenEncrypted }]
      : []),
  ]);
  const sealed = vault.sealMany(secrets.map(({ row, kind, secret }) => ({ kind, organizationId: row.organizationId, secret })));
  if (sealed.length) await insertCredentials(tx, provider, sealed, new Date());
  const ids = sealed.map((row) => row.id);
  const links = new Map<string, { access?: string; refresh?: string }>();
  secrets.forEach(({ row, field }, index) => links.set(row.id, { ...links.get(row.id), [field]: ids[index]! }));
  const changed = await linkMigratedTokens(
    tx,
    provider,
    rows.map((row) => {
      const linked = links.get(row.id);
      return {
        id: row.id,
        access: linked?.access ?? row.accessTokenCredentialId,
        refresh: linked?.refresh ?? row.refreshTokenCredentialId,
        was: {
          access: row.accessTokenCredentialId,
          refresh: row.refreshTokenCredentialId,
          accessLegacy: row.accessTokenEncrypted,
          refreshLegacy: row.refreshTokenEncrypted,
        },
      };
    }),
    new Date(),
  );
  if (changed !== rows.length) throw new Error(`${rows.length - changed} of the batch's rows were migrated concurrently; retrying`);
  return { migrated: rows.length, alreadyMigrated: connectionIds.length - rows.length };
}
