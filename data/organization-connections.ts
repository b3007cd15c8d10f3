// Organization connections (ce_organization_connections) and what hangs from them: their health, which is
// also the health of every connection enrolled under them, and the one alert an admin gets when the
// organization's grant is gone (not one per user).
import type { Db } from '../db/client';
import { ADMIN_ACTIONS, type AdminActionCode } from '../domain/organization-connections';
import { emitChange } from './outbox';

export type OrganizationConnectionRow = NonNullable<Awaited<ReturnType<Db['organizationConnection']['findUnique']>>>;

export const isAdminActionCode = (code: string | null | undefined): code is AdminActionCode =>
  Object.values(ADMIN_ACTIONS).some((action) => action.code === code);

export function findOrganizationConnection(
  db: Pick<Db, 'organizationConnection'>,
  organizationId: string,
  provider: string,
): Promise<OrganizationConnectionRow | null> {
  return db.organizationConnection.findUnique({ where: { organizationId_provider: { organizationId, provider } } });
}

/** The live (not disconnected) connections enrolled under an organization connection. */
export function enrolledConnections(db: Db, organizationConnectionId: string) {
  return db.calendarConnection.findMany({
    where: { organizationConnectionId, status: { not: 'disconnected' } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

/**
 * The provider refused the organization's grant (delegation revoked, consent withdrawn): the organization
 * connection needs an admin, and so does every connection enrolled under it, at once (they all use the same
 * grant). The admin who set it up is told once: only the transaction that changes the status writes the alert.
 */
export async function recordOrganizationGrantRevoked(db: Db, organizationConnectionId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const org = await tx.organizationConnection.findUnique({ where: { id: organizationConnectionId } });
    if (!org) return;
    const action = ADMIN_ACTIONS[org.provider as keyof typeof ADMIN_ACTIONS];
    const { count } = await tx.organizationConnection.updateMany({
      where: { id: org.id, status: { not: 'needs_admin_action' } },
      data: { status: 'needs_admin_action', statusReason: action.code, statusChangedAt: new Date() },
    });
    const affected = await tx.calendarConnection.findMany({
      where: { organizationConnectionId: org.id, status: { notIn: ['disconnected', 'needs_reconnect'] } },
    });
    const now = new Date();
    for (const connection of affected) {
      await tx.calendarConnection.update({
        where: { id: connection.id },
        data: { status: 'needs_reconnect', lastErrorCode: action.code, lastErrorAt: now },
      });
      await emitChange(tx, {
        organizationId: org.organizationId,
        connectionId: connection.id,
        userId: connection.userId,
        type: 'connection.health_changed',
        data: {
          connectionId: connection.id,
          provider: connection.provider,
          health: 'needs_reconnect',
          previousHealth: connection.status,
          errorCode: action.code,
        },
      });
    }
    if (count !== 1) return;
    await tx.notification.create({
      data: {
        organizationId: org.organizationId,
        userId: org.createdBy ?? 'admin',
        type: 'organization_connection.needs_admin_action',
        dedupeKey: `organization-connection:${org.id}:needs_admin_action:${now.getTime()}`,
        eventId: null,
        title: `The organization's ${org.provider === 'google' ? 'Google Workspace' : 'Microsoft 365'} connection needs an admin`,
        body: action.message,
        scheduledFor: now,
        deliveredAt: now,
      },
    });
  });
}
