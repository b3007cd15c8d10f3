// Lookups of synced event rows (ce_calendar_events) by what the worker knows of them.
import type { Db, Prisma } from '../db/client';
import { instantOf } from '../domain/event-record';
import type { EventTime } from '../domain/events';
import { notFound } from '../domain/failures';

export type EventRowModel = Prisma.CalendarEventGetPayload<object>;

/** An event of the connection that is not cancelled, else a not-found failure naming `what`. */
export async function liveEventRow(db: Db, connectionId: string, eventId: string, what = 'Event'): Promise<EventRowModel> {
  const row = await db.calendarEvent.findFirst({ where: { id: eventId, connectionId } });
  if (!row || row.status === 'cancelled') throw notFound(what);
  return row;
}

/** A meeting this service scheduled (outbound), cancelled or not; null when there is none. */
export function outboundEventRow(db: Db, connectionId: string, eventId: string): Promise<EventRowModel | null> {
  return db.calendarEvent.findFirst({ where: { id: eventId, connectionId, syncDirection: 'outbound' } });
}

/** The meeting a request id (Idempotency-Key) scheduled, if it was scheduled already. */
export function meetingByRequestId(db: Db, connectionId: string, requestId: string): Promise<EventRowModel | null> {
  return db.calendarEvent.findUnique({ where: { connectionId_requestId: { connectionId, requestId } } });
}

/** The row of one occurrence of a series, by the start it has in the series (null: never stored). */
export function occurrenceRow(db: Db, master: EventRowModel, originalStart: EventTime): Promise<EventRowModel | null> {
  return db.calendarEvent.findFirst({
    where: {
      connectionId: master.connectionId,
      externalCalendarId: master.externalCalendarId,
      seriesMasterExternalId: master.externalEventId,
      originalStartAt: instantOf(originalStart),
    },
  });
}

/** The series' stored occurrences (exceptions and Graph's listed occurrences) from `from` on, not cancelled. */
export function liveOccurrencesFrom(db: Db, master: EventRowModel, from: EventTime): Promise<EventRowModel[]> {
  return db.calendarEvent.findMany({
    where: {
      connectionId: master.connectionId,
      externalCalendarId: master.externalCalendarId,
      seriesMasterExternalId: master.externalEventId,
      originalStartAt: { gte: instantOf(from) },
      status: { not: 'cancelled' },
    },
  });
}

/**
 * Events of the connection that are not cancelled. In SQL of its own because Prisma's count() selects the ids,
 * which no index holds; COUNT(*) is answered from the (connection, kind, status) index without the rows.
 */
export async function countSyncedEvents(db: Db, connectionId: string): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ live: bigint | number }>>`
    SELECT COUNT(*) AS live FROM ce_calendar_events WHERE connection_id = ${connectionId} AND status <> 'cancelled'`;
  return Number(row!.live);
}

/** Live rows of a calendar (for marking them gone when the calendar itself is gone). */
export function liveRowsOfCalendar(db: Db, connectionId: string, externalCalendarId: string): Promise<EventRowModel[]> {
  return db.calendarEvent.findMany({ where: { connectionId, externalCalendarId, status: { not: 'cancelled' } } });
}
