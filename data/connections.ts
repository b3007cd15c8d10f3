// Connection rows: the one the worker acts on, its stored health, and its end (tokens deleted, channels
// stopped). Also the organization row every tenant-scoped row hangs from.
import type { Db } from '../db/client';
import { Failure } from '../domain/failures';
import type { ConnectionHealth } from '../workflows/connection/messages';
import type { Vault } from '../vault/vault';

export type ConnectionRow = NonNullable<Awaited<ReturnType<Db['calendarConnection']['findUnique']>>>;

/** The connection, unless it is gone or disconnected (then nothing may be done for it). */
export async function loadActiveConnection(db: Db, connectionId: string): Promise<ConnectionRow> {
  const connection = await db.calendarConnection.findUnique({ where: { id: connectionId } });
  if (!connection || connection.status === 'disconnected') {
    throw new Failure('connection_gone', `connection ${connectionId} is disconnected or does not exist`);
  }
  return connection;
}

/** Stores the workflow's view of the connection's health (never over a disconnect). */
export async function recordConnectionHealth(
  db: Db,
  input: { connectionId: string; health: ConnectionHealth; errorCode?: string },
): Promise<void> {
  await db.calendarConnection.updateMany({
    where: { id: input.connectionId, status: { not: 'disconnected' } },
    data: {
      status: input.health,
      ...(input.errorCode ? { lastErrorCode: input.errorCode, lastErrorAt: new Date() } : {}),
      ...(input.health === 'active' ? { lastErrorCode: null, lastErrorAt: null } : {}),
    },
  });
}

/** A failed refresh outside the workflow: the connection needs reconnecting. */
export async function recordReconnectNeeded(db: Db, connectionId: string, errorCode: string): Promise<void> {
  await db.calendarConnection.update({
    where: { id: connectionId },
    data: { status: 'needs_reconnect', lastErrorCode: errorCode, lastErrorAt: new Date() },
  });
}

/** The end of a connection: its tokens deleted from the vault, its push channels marked stopped. */
export async function markDisconnected(db: Db, vault: Vault, connectionId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const connection = await tx.calendarConnection.findUnique({ where: { id: connectionId } });
    if (!connection) return;
    const txVault = vault.using(tx);
    for (const credentialId of [connection.accessTokenCredentialId, connection.refreshTokenCredentialId]) {
      if (credentialId) await txVault.delete(credentialId);
    }
    await tx.pushChannel.updateMany({ where: { connectionId, status: 'active' }, data: { status: 'stopped', stoppedAt: new Date() } });
    await tx.calendarConnection.update({
      where: { id: connectionId },
      data: {
        status: 'disconnected',
        disconnectedAt: new Date(),
        // The account may be connected again, by anyone of the organization: as a new connection.
        liveAccountKey: null,
        accessTokenCredentialId: null,
        refreshTokenCredentialId: null,
        accessTokenEncrypted: null,
        refreshTokenEncrypted: null,
        migrationRequired: false,
        tokenExpiresAt: null,
      },
    });
  });
}

/** Every tenant-scoped row hangs from its organization's row, created on first use. */
export async function ensureOrganization(db: Db, organizationId: string): Promise<void> {
  await db.organization.upsert({ where: { id: organizationId }, create: { id: organizationId }, update: {} });
}
