// Pre-meeting reminders become notifications, exactly once per meeting start (data/notifications.ts). A
// reminder whose meeting moved or was cancelled meanwhile is stale and delivers nothing.
import { deliverNotification } from '../../data/notifications';
import { stillStartsAt } from '../../data/upcoming-meetings';
import { reminderDedupeKey } from '../../domain/reminders';
import type { ServiceDependencies } from '../dependencies';

export async function deliverReminder(
  { db, metrics }: Pick<ServiceDependencies, 'db' | 'metrics'>,
  input: { connectionId: string; eventId: string; startAt: string; leadMinutes: number },
): Promise<'delivered' | 'duplicate' | 'stale'> {
  const event = await db.calendarEvent.findFirst({
    where: { id: input.eventId, connectionId: input.connectionId },
    include: { connection: { select: { userId: true, status: true } } },
  });
  const startAt = new Date(input.startAt);
  if (!event || event.status === 'cancelled' || event.connection.status === 'disconnected' || !(await stillStartsAt(db, event, startAt))) {
    metrics.reminderDeliveries.inc({ outcome: 'stale' });
    return 'stale';
  }
  const title = `Starting in ${input.leadMinutes} min: ${event.title ?? 'Meeting'}`;
  const outcome = await deliverNotification(
    db,
    {
      organizationId: event.organizationId,
      userId: event.connection.userId,
      type: 'calendar.pre_meeting',
      dedupeKey: reminderDedupeKey(event.id, input.startAt),
      eventId: event.id,
      title,
      body: event.location ? `Location: ${event.location}` : null,
      scheduledFor: new Date(startAt.getTime() - input.leadMinutes * 60_000),
    },
    {
      connectionId: event.connectionId,
      type: 'reminder.due',
      data: (notificationId) => ({
        notificationId,
        eventId: event.id,
        startAt: startAt.toISOString(),
        leadMinutes: input.leadMinutes,
        title,
      }),
    },
  );
  metrics.reminderDeliveries.inc({ outcome });
  return outcome;
}
