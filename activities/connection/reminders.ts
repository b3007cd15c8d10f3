// Pre-meeting reminders become pf_notifications rows. The unique dedupe key (event id + start time) makes
// delivery exactly-once: a retried activity, a replayed workflow or a second run after continue-as-new
// finds the row already there. A reminder whose meeting moved or was cancelled meanwhile is stale.
import { Prisma } from '../../db/client';
import { reminderDedupeKey } from '../../domain/reminders';
import type { ConnectionActivityDeps } from './dependencies';
import { stillStartsAt } from './upcoming-meetings';

export function createReminderActivities({ db }: ConnectionActivityDeps) {
  return {
    async deliverReminder(input: {
      connectionId: string;
      eventId: string;
      startAt: string;
      leadMinutes: number;
    }): Promise<'delivered' | 'duplicate' | 'stale'> {
      const event = await db.calendarEvent.findFirst({
        where: { id: input.eventId, connectionId: input.connectionId },
        include: { connection: { select: { userId: true, status: true } } },
      });
      const startAt = new Date(input.startAt);
      if (
        !event ||
        event.status === 'cancelled' ||
        event.connection.status === 'disconnected' ||
        !(await stillStartsAt(db, event, startAt))
      ) {
        return 'stale';
      }
      try {
        await db.notification.create({
          data: {
            organizationId: event.organizationId,
            userId: event.connection.userId,
            type: 'calendar.pre_meeting',
            dedupeKey: reminderDedupeKey(event.id, input.startAt),
            eventId: event.id,
            title: `Starting in ${input.leadMinutes} min: ${event.title ?? 'Meeting'}`,
            body: event.location ? `Location: ${event.location}` : null,
            scheduledFor: new Date(startAt.getTime() - input.leadMinutes * 60_000),
            deliveredAt: new Date(),
          },
        });
        return 'delivered';
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return 'duplicate';
        throw error;
      }
    },
  };
}
