// In-app notifications (pf_notifications). The unique dedupe key makes each one exactly-once: a retried
// activity, a replayed workflow or a second run after continue-as-new finds the row already there. A
// notification can be reported to the CRM in the same transaction (e.g. reminder.due).
import { Prisma, type Db } from '../db/client';
import type { ChangeEventData, ChangeEventType } from '../domain/change-events';
import { emitChange } from './outbox';

export interface NotificationInput {
  organizationId: string;
  userId: string;
  type: string;
  dedupeKey: string;
  eventId: string | null;
  title: string;
  body: string | null;
  scheduledFor: Date;
}

/**
 * Stores the notification as delivered now, and `report` (given the notification's id) in the change
 * stream; 'duplicate' when one with the same dedupe key exists (nothing is written then).
 */
export async function deliverNotification<T extends ChangeEventType>(
  db: Db,
  input: NotificationInput,
  report?: { connectionId: string | null; type: T; data: (notificationId: string) => ChangeEventData<T> },
): Promise<'delivered' | 'duplicate'> {
  try {
    await db.$transaction(async (tx) => {
      const notification = await tx.notification.create({ data: { ...input, deliveredAt: new Date() } });
      if (report) {
        await emitChange(tx, {
          organizationId: input.organizationId,
          connectionId: report.connectionId,
          userId: input.userId,
          type: report.type,
          data: report.data(notification.id),
        });
      }
    });
    return 'delivered';
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return 'duplicate';
    throw error;
  }
}

/** The user's notifications, newest first (only unread ones with `unreadOnly`). */
export function notificationsOf(
  db: Db,
  owner: { organizationId: string; userId: string },
  options: { unreadOnly: boolean; limit: number },
) {
  return db.notification.findMany({
    where: { ...owner, ...(options.unreadOnly ? { readAt: null } : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: options.limit,
  });
}

/** Marks the user's notification read; null when it is not theirs. */
export async function markNotificationRead(db: Db, owner: { organizationId: string; userId: string }, notificationId: string) {
  const { count } = await db.notification.updateMany({
    where: { id: notificationId, ...owner, readAt: null },
    data: { readAt: new Date() },
  });
  const row = await db.notification.findFirst({ where: { id: notificationId, ...owner } });
  return row && { row, changed: count > 0 };
}
