// Connection rows as they were before the credential vault: tokens in plaintext in access_token_encrypted /
// refresh_token_encrypted (names kept from the original module), migration_required = true, no credential
// ids. For demos of the vault migration and for its tests; never used by the service itself.
import type { Vault } from '../../vault/vault';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/client';

export interface LegacyRowInput {
  organizationId: string;
  count: number;
  provider?: 'google' | 'microsoft';
  /** Default user id of the rows (each row gets its own account email). */
  userId?: string;
  /** Tokens of row i; default: random strings (enough for the migration, not for calling a provider). */
  tokens?: (index: number) => { accessToken: string | null; refreshToken: string | null };
}

const CHUNK = 500;

/** Inserts the rows (in chunks) and returns their ids. */
export async function insertLegacyConnections(db: Db, input: LegacyRowInput): Promise<string[]> {
  const provider = input.provider ?? 'google';
  await db.organization.upsert({ where: { id: input.organizationId }, create: { id: input.organizationId }, update: {} });
  const run = randomBytes(4).toString('hex');
  const ids: string[] = [];
  for (let start = 0; start < input.count; start += CHUNK) {
    const data = [];
    for (let index = start; index < Math.min(input.count, start + CHUNK); index += 1) {
      const tokens = input.tokens?.(index) ?? {
        accessToken: `legacy-at-${randomBytes(24).toString('base64url')}`,
        refreshToken: `legacy-rt-${randomBytes(24).toString('base64url')}`,
      };
      const id = randomUUID();
      ids.push(id);
      data.push({
        id,
        organizationId: input.organizationId,
        userId: input.userId ?? `legacy-user-${index}`,
        provider,
        externalAccountEmail: `legacy-${run}-${index}@example.com`,
        accessTokenEncrypted: tokens.accessToken,
        refreshTokenEncrypted: tokens.refreshToken,
        migrationRequired: true,
        // A year-old token: the legacy fallback refreshes before first use.
        tokenExpiresAt: new Date(Date.now() - 365 * 86_400_000),
      });
    }
    await db.calendarConnection.createMany({ data });
  }
  return ids;
}

/**
 * Turns a connection made through the normal (vault) flow back into a pre-vault row: its tokens are read
 * from the vault into the legacy columns, the credentials deleted and unlinked, migration_required set.
 * Tests use it to get legacy rows with real (fake-provider) tokens that a running workflow can use.
 */
export async function revertToLegacy(deps: { db: Db; vault: Vault }, connectionId: string): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const row = await tx.calendarConnection.findUniqueOrThrow({ where: { id: connectionId } });
    const vault = deps.vault.using(tx);
    const accessToken = row.accessTokenCredentialId ? await vault.get(row.accessTokenCredentialId) : null;
    const refreshToken = row.refreshTokenCredentialId ? await vault.get(row.refreshTokenCredentialId) : null;
    for (const id of [row.accessTokenCredentialId, row.refreshTokenCredentialId]) if (id) await vault.delete(id);
    await tx.calendarConnection.update({
      where: { id: connectionId },
      data: {
        accessTokenEncrypted: accessToken,
        refreshTokenEncrypted: refreshToken,
        accessTokenCredentialId: null,
        refreshTokenCredentialId: null,
        migrationRequired: true,
        migratedAt: null,
        migrationError: null,
      },
    });
  });
}
