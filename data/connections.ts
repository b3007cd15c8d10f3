// Connection rows: the one the worker acts on, its stored health, and its end (tokens deleted, channels
// stopped). Also the organization row every tenant-scoped row hangs from.
import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import { Failure } from '../domain/failures';
import type { ConnectionHealth } from '../workflows/connection/messages';
import type { Vault } from '../vault/vault';
import { isAdminActionCode } from './organization-connections';
import { emitChange } from './outbox';

export type ConnectionRow = NonNullable<Awaited<ReturnType<Db['calendarConnection']['findUnique']>>>;

/** Health changes the connection's owner must act on, as in-app notifications (connection alerts). */
const CONNECTION_ALERTS: Partial<Record<ConnectionHealth, { title: (account: string) => string; body: string }>> = {
  needs_reconnect: {
    title: (account) => `Reconnect your ${account}`,
    body: 'The calendar account withdrew access, so syncing has stopped. Reconnect it to resume.',
  },
  needs_attention: {
    title: (account) => `Deletions on hold for your ${account}`,
    body: 'A sync would have deleted many events at once. Nothing was deleted: confirm or keep them.',
  },
};

/** The connection, unless it is gone or disconnected (then nothing may be done for it). */
export async function loadActiveConnection(db: Db, connectionId: string): Promise<ConnectionRow> {
  const connection = await db.calendarConnection.findUnique({ where: { id: connectionId } });
  if (!connection || connection.status === 'disconnected') {
    throw new Failure('connection_gone', `connection ${connectionId} is disconnected or does not exist`);
  }
  return connection;
}

/**
 * Stores the connection's health (never over a disconnect, unless it is the disconnect) and, when it
 * changed, reports connection.health_changed in the same transaction.
 */
async function changeHealth(
  db: Db,
  connectionId: string,
  health: ConnectionHealth,
  errorCode: string | null,
  revive = false,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.calendarConnection.findUnique({ where: { id: connectionId } });
    if (!before || (before.status === 'disconnected' && health !== 'disconnected' && !revive)) return;
    // An organization-managed connection keeps the admin action that stopped it as its reason (the workflow
    // reports a plain revoked grant), and its owner gets no alert: the admin was told once for all of them.
    const managed = before.organizationConnectionId !== null;
    if (managed && health === 'needs_reconnect' && isAdminActionCode(before.lastErrorCode)) errorCode = before.lastErrorCode;
    await tx.calendarConnection.update({
      where: { id: connectionId },
      data: {
        status: health,
        ...(errorCode ? { lastErrorCode: errorCode, lastErrorAt: new Date() } : {}),
        ...(health === 'active' ? { lastErrorCode: null, lastErrorAt: null } : {}),
      },
    });
    if (before.status === health) return;
    const alert = managed ? undefined : CONNECTION_ALERTS[health];
    if (alert) {
      // The owner hears it in the app too (once per change: a retried write finds the health already stored).
      const account = `${before.provider === 'google' ? 'Google' : 'Microsoft'} calendar ${before.externalAccountEmail}`;
      await tx.notification.create({
        data: {
          organizationId: before.organizationId,
          userId: before.userId,
          type: `connection.${health}`,
          dedupeKey: `connection:${connectionId}:${health}:${Date.now()}`,
          eventId: null,
          title: alert.title(account),
          body: alert.body,
          scheduledFor: new Date(),
          deliveredAt: new Date(),
        },
      });
    }
    await emitChange(tx, {
      organizationId: before.organizationId,
      connectionId,
      userId: before.userId,
      type: 'connection.health_changed',
      data: { connectionId, provider: before.provider, health, previousHealth: before.status, errorCode },
    });
  });
}

/**
 * Stores the workflow's view of the connection's health. `revive` (a new OAuth grant only) may bring a
 * disconnected connection back.
 */
export function recordConnectionHealth(
  db: Db,
  input: { connectionId: string; health: ConnectionHealth; errorCode?: string; revive?: boolean },
): Promise<void> {
  return changeHealth(db, input.connectionId, input.health, input.errorCode ?? null, input.revive);
}

/** A failed refresh outside the workflow: the connection needs reconnecting. */
export function recordReconnectNeeded(db: Db, connectionId: string, errorCode: string): Promise<void> {
  return changeHealth(db, connectionId, 'needs_reconnect', errorCode);
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
    if (connection.status !== 'disconnected') {
      await emitChange(tx, {
        organizationId: connection.organizationId,
        connectionId,
        userId: connection.userId,
        type: 'connection.health_changed',
        data: { connectionId, provider: connection.provider, health: 'disconnected', previousHealth: connection.status, errorCode: null },
      });
    }
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

/**
 * Every tenant-scoped row hangs from its organization's row, created on first use. Concurrent first uses of
 * one organization (a burst of its users connecting) race to create it: the losers' unique violation means
 * the row is there, which is all they need. Prisma's upsert is no help here: on PostgreSQL it reads, then
 * inserts, and the second insert fails on ce_organizations_pkey. Not for use inside an interactive
 * transaction on PostgreSQL (a failed statement aborts it); every caller runs it on its own.
 */
export async function ensureOrganization(db: Db, organizationId: string): Promise<void> {
  if (await db.organization.findUnique({ where: { id: organizationId }, select: { id: true } })) return;
  try {
    await db.organization.create({ data: { id: organizationId } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
}

/** Connections counted by health (status), for the connections-by-health gauge. */
export async function countConnectionsByHealth(db: Db): Promise<Record<string, number>> {
  const groups = await db.calendarConnection.groupBy({ by: ['status'], _count: { _all: true } });
  return Object.fromEntries(groups.map((group) => [group.status, group._count._all]));
}
