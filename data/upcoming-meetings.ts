// Which meetings of a connection start soon (for pre-meeting reminders): timed, not cancelled, on a
// calendar the owner syncs. Single events and occurrence rows count as they are; a series the provider
// lists only as a master (Google) is expanded, skipping occurrences that have their own exception row.
import type { Db } from '../db/client';
import { occurrenceStarts } from '../domain/recurrence/occurrences';
import type { UpcomingMeeting } from '../domain/reminders';

const MAX_MEETINGS = 200;

export async function listUpcomingMeetings(db: Db, input: { connectionId: string; horizonMinutes: number }): Promise<UpcomingMeeting[]> {
  const now = new Date();
  const until = new Date(now.getTime() + input.horizonMinutes * 60_000);
  const synced = await db.connectionCalendar.findMany({
    where: { connectionId: input.connectionId, syncEnabled: true },
    select: { externalCalendarId: true },
  });
  const calendars = synced.map((calendar) => calendar.externalCalendarId);
  const timed = { connectionId: input.connectionId, externalCalendarId: { in: calendars }, status: { not: 'cancelled' }, allDay: false };
  const [events, masters] = await Promise.all([
    db.calendarEvent.findMany({
      where: { ...timed, eventKind: { not: 'seriesMaster' }, startAt: { gt: now, lte: until } },
      orderBy: { startAt: 'asc' },
      take: MAX_MEETINGS,
      select: { id: true, startAt: true },
    }),
    // Not narrowed to the synced calendars in SQL: by (connection, kind) alone the database reads the few
    // masters through their index, where a calendar condition makes it read the calendars' every row.
    db.calendarEvent.findMany({
      where: { connectionId: input.connectionId, eventKind: 'seriesMaster', status: { not: 'cancelled' }, allDay: false },
      select: { id: true, externalCalendarId: true, externalEventId: true, startAt: true, timeZone: true, recurrence: true },
    }),
  ]);
  const syncedMasters = masters.filter(
    (master) => master.recurrence !== null && master.startAt <= until && calendars.includes(master.externalCalendarId),
  );
  const upcoming: UpcomingMeeting[] = events.map((event) => ({ eventId: event.id, startAt: event.startAt.toISOString() }));
  for (const master of syncedMasters) {
    const overridden = await exceptionStarts(db, input.connectionId, master);
    for (const start of occurrenceStarts(seriesOf(master), { from: new Date(now.getTime() + 1), until }, MAX_MEETINGS)) {
      if (!overridden.has(start.getTime())) upcoming.push({ eventId: master.id, startAt: start.toISOString() });
    }
  }
  return upcoming.sort((a, b) => Date.parse(a.startAt) - Date.parse(b.startAt)).slice(0, MAX_MEETINGS);
}

/** True when the event (or, for a series master, one of its occurrences) still starts at `startAt`. */
export async function stillStartsAt(
  db: Db,
  event: {
    id: string;
    connectionId: string;
    externalCalendarId: string;
    externalEventId: string;
    eventKind: string;
    startAt: Date;
    timeZone: string | null;
    recurrence: string | null;
  },
  startAt: Date,
): Promise<boolean> {
  if (event.eventKind !== 'seriesMaster') return event.startAt.getTime() === startAt.getTime();
  const overridden = await exceptionStarts(db, event.connectionId, event);
  if (overridden.has(startAt.getTime())) return false;
  const window = { from: new Date(startAt.getTime() - 1000), until: new Date(startAt.getTime() + 1000) };
  return occurrenceStarts(seriesOf(event), window, 2).some((start) => start.getTime() === startAt.getTime());
}

function seriesOf(master: { startAt: Date; timeZone: string | null; recurrence: string | null }) {
  return { start: master.startAt, timeZone: master.timeZone, lines: master.recurrence ? (JSON.parse(master.recurrence) as string[]) : [] };
}

/** Original starts of the series' occurrences that were moved or cancelled (they have rows of their own). */
async function exceptionStarts(
  db: Db,
  connectionId: string,
  master: { externalCalendarId: string; externalEventId: string },
): Promise<Set<number>> {
  const exceptions = await db.calendarEvent.findMany({
    where: {
      connectionId,
      externalCalendarId: master.externalCalendarId,
      seriesMasterExternalId: master.externalEventId,
      originalStartAt: { not: null },
    },
    select: { originalStartAt: true },
  });
  return new Set(exceptions.map((exception) => exception.originalStartAt!.getTime()));
}
