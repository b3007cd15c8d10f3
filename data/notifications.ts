// In-app notifications (pf_notifications). The unique dedupe key makes each one exactly-once: a retried
// activity, a replayed workflow or a second run after continue-as-new finds the row already there.
import { Prisma, type Db } from '../db/client';

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

/** Stores the notification as delivered now; 'duplicate' when one with the same dedupe key exists. */
export async function deliverNotification(db: Db, input: NotificationInput): Promise<'delivered' | 'duplicate'> {
  try {
    await db.notification.create({ data: { ...input, deliveredAt: new Date() } });
    return 'delivered';
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return 'duplicate';
    throw error;
  }
}
