// The CRM activity of a meeting scheduled from the CRM follows its event: when the calendar moves,
// retitles, cancels or answers it (attendee responses), the activity takes the new values and the change
// stream records it (activity.updated, with the fields that changed). The event's own history keeps the
// calendar change that caused it.
import type { Db, Prisma } from '../db/client';
import type { EventRowModel } from './events';
import { emitChanges, outboxEntry, type OutboxEntry } from './outbox';

type Tx = Prisma.TransactionClient | Db;

interface AttendeeAnswer {
  email: string;
  response: string;
}

function answersOf(attendeesJson: string | null): AttendeeAnswer[] {
  if (!attendeesJson) return [];
  try {
    const attendees = JSON.parse(attendeesJson) as Array<{ email?: unknown; response?: unknown }>;
    return attendees
      .filter((attendee) => typeof attendee.email === 'string')
      .map((attendee) => ({
        email: String(attendee.email),
        response: typeof attendee.response === 'string' ? attendee.response : 'needsAction',
      }));
  } catch {
    return [];
  }
}

/** Brings the event's activity up to date with it; does nothing when nothing changed. */
export async function activityFollowsEvent(tx: Tx, event: EventRowModel): Promise<void> {
  const entry = await updateActivityOf(tx, event);
  if (entry) await emitChanges(tx, [entry]);
}

/**
 * Updates the event's activity and returns its activity.updated change for the caller to write (in order
 * with the event's own change); null when there is no activity or nothing changed.
 */
export async function updateActivityOf(tx: Tx, event: EventRowModel): Promise<OutboxEntry | null> {
  if (!event.activityId) return null;
  const activity = await tx.crmActivity.findUnique({ where: { id: event.activityId } });
  if (!activity) return null;
  const answers = answersOf(event.attendees);
  const next = {
    subject: event.title ?? activity.subject,
    startAt: event.startAt,
    endAt: event.endAt,
    // A completed activity stays completed unless the meeting is cancelled.
    status: event.status === 'cancelled' ? 'cancelled' : activity.status === 'completed' ? 'completed' : 'scheduled',
    attendeeResponses: JSON.stringify(answers),
  };
  const changedFields = [
    ...(next.subject !== activity.subject ? ['subject'] : []),
    ...(next.startAt.getTime() !== activity.startAt.getTime() ? ['startAt'] : []),
    ...(next.endAt.getTime() !== activity.endAt.getTime() ? ['endAt'] : []),
    ...(next.status !== activity.status ? ['status'] : []),
    ...(next.attendeeResponses !== (activity.attendeeResponses ?? '[]') ? ['attendeeResponses'] : []),
  ];
  if (changedFields.length === 0) return null;
  const saved = await tx.crmActivity.update({ where: { id: activity.id }, data: next });
  return outboxEntry({
    organizationId: activity.organizationId,
    connectionId: event.connectionId,
    type: 'activity.updated',
    data: {
      activityId: saved.id,
      eventId: event.id,
      subject: saved.subject,
      startAt: saved.startAt.toISOString(),
      endAt: saved.endAt.toISOString(),
      status: saved.status as 'scheduled' | 'cancelled' | 'completed',
      attendeeResponses: answers,
      changedFields,
    },
  });
}
