// Synced event rows -> one RFC 5545 VCALENDAR (pure; the rows are read by services/ical-feeds.ts).
//
// - Timed events carry DTSTART/DTEND;TZID=<their zone> with a VTIMEZONE per zone used; all-day events
//   carry VALUE=DATE from the stored dates, so no UTC offset can move them to another day.
// - A series master carries its provider RRULE/RDATE/EXDATE lines, plus an EXDATE for every cancelled
//   occurrence we hold; a changed occurrence (exception) becomes a VEVENT with the master's UID and a
//   RECURRENCE-ID. Expanded occurrences (Graph lists them) are left out: the RRULE produces them.
// - `busy` visibility (public feeds): only busy blocks, SUMMARY "Busy", TRANSP:OPAQUE, no description,
//   location, organizer or attendees, and UIDs that reveal no provider ids.
import { createHash } from 'node:crypto';
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalEventStatus, ICalEventTransparency, type ICalEvent } from 'ical-generator';
import type { EventRecordFields } from '../event-record';
import { isKnownZone, wallClock, ZonedTime } from './zoned-time';
import { vtimezoneFor } from './vtimezone';

export type FeedVisibility = 'private' | 'public';

/** The columns of ce_calendar_events the renderer needs. */
export interface FeedEventRow extends Omit<EventRecordFields, 'iCalUid' | 'eventType'> {
  id: string;
  connectionId: string;
  externalCalendarId: string;
  externalEventId: string;
  iCalUid: string | null;
  updatedAt: Date;
}

export interface RenderOptions {
  name: string;
  visibility: FeedVisibility;
  /** Withhold organizer and attendees even in a private rendering (a view-all reader who is not the owner). */
  withholdPeople?: boolean;
  /** Host part of generated UIDs (events without a provider iCalUID). */
  uidDomain?: string;
}

const PRODID = { company: 'calendar-sync', product: 'calendar-sync-orchestrator', language: 'EN' };

const PARTSTAT: Record<string, ICalAttendeeStatus> = {
  accepted: ICalAttendeeStatus.ACCEPTED,
  declined: ICalAttendeeStatus.DECLINED,
  tentative: ICalAttendeeStatus.TENTATIVE,
  needsAction: ICalAttendeeStatus.NEEDSACTION,
};

interface StoredAttendee {
  email: string;
  name?: string | null;
  response?: string;
  optional?: boolean;
}

function parseJsonArray<T>(json: string | null): T[] {
  if (!json) return [];
  try {
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? (parsed as T[]) : [];
  } catch {
    return [];
  }
}

/** The zone a timed event is written in, if it can be written with a TZID (and a VTIMEZONE exists). */
function usableZone(zone: string | null): string | null {
  if (!zone || zone === 'UTC' || zone === 'Etc/UTC') return null;
  return isKnownZone(zone) && vtimezoneFor(zone) ? zone : null;
}

const seriesKey = (row: { connectionId: string; externalCalendarId: string }, externalId: string) =>
  `${row.connectionId}\u0000${row.externalCalendarId}\u0000${externalId}`;

function uidOf(row: FeedEventRow, options: RenderOptions): string {
  if (options.visibility === 'public') {
    const key = `${row.connectionId}/${row.externalCalendarId}/${row.externalEventId}`;
    return `${createHash('sha256').update(key).digest('hex').slice(0, 32)}@busy`;
  }
  return row.iCalUid ?? `${row.externalEventId}@${options.uidDomain ?? 'calendar-sync.local'}`;
}

const yyyymmdd = (date: string) => date.replaceAll('-', '');

/** `EXDATE` for a cancelled occurrence, in the same value type and zone as the master's DTSTART. */
function exdateLine(master: FeedEventRow, originalStart: Date): string {
  if (master.allDay) return `EXDATE;VALUE=DATE:${originalStart.toISOString().slice(0, 10).replaceAll('-', '')}`;
  const zone = usableZone(master.timeZone);
  if (zone) {
    const { date, time } = wallClock(originalStart, zone);
    return `EXDATE;TZID=${zone}:${date}T${time}`;
  }
  const { date, time } = wallClock(originalStart, 'UTC');
  return `EXDATE:${date}T${time}Z`;
}

/** Provider recurrence lines that belong in a VEVENT (never a DTSTART of their own). */
function recurrenceLines(row: FeedEventRow): string[] {
  return parseJsonArray<string>(row.recurrence)
    .filter((line) => typeof line === 'string' && /^(RRULE|RDATE|EXDATE|EXRULE)[:;]/i.test(line))
    .map((line) => line.trim());
}

export function renderCalendar(rows: FeedEventRow[], options: RenderOptions): string {
  const calendar = ical({ name: options.name, prodId: PRODID });
  // Only the generator: a calendar-level zone name would make ical-generator shift every plain Date.
  calendar.timezone({ name: null, generator: vtimezoneFor });

  const masters = new Map<string, FeedEventRow>();
  for (const row of rows)
    if (row.eventKind === 'seriesMaster' && row.status !== 'cancelled') masters.set(seriesKey(row, row.externalEventId), row);

  // Cancelled occurrences/exceptions of a live series become EXDATEs of its master.
  const excluded = new Map<string, Date[]>();
  for (const row of rows) {
    if (row.status !== 'cancelled' || !row.seriesMasterExternalId || !row.originalStartAt) continue;
    const key = seriesKey(row, row.seriesMasterExternalId);
    if (masters.has(key)) (excluded.get(key) ?? excluded.set(key, []).get(key)!).push(row.originalStartAt);
  }

  const allDayRecurrenceIds: string[] = [];
  for (const row of rows) {
    if (row.status === 'cancelled') continue;
    if (row.eventKind === 'occurrence') continue;
    const master = row.seriesMasterExternalId ? masters.get(seriesKey(row, row.seriesMasterExternalId)) : undefined;
    const isException = row.eventKind === 'exception' && master !== undefined && row.originalStartAt !== null;
    const uid = isException ? uidOf(master, options) : uidOf(row, options);
    const event = calendar.createEvent({ id: uid, start: row.startAt, stamp: row.updatedAt, summary: '' });
    addTimes(event, row);

    if (row.eventKind === 'seriesMaster') {
      const lines = recurrenceLines(row);
      for (const start of excluded.get(seriesKey(row, row.externalEventId)) ?? []) lines.push(exdateLine(row, start));
      if (lines.length) event.repeating(lines.join('\n'));
    }
    if (isException) {
      if (master.allDay) {
        // ical-generator writes RECURRENCE-ID as a DATE-TIME; patched to VALUE=DATE below.
        event.recurrenceId(row.originalStartAt!);
        allDayRecurrenceIds.push(yyyymmdd(row.originalStartAt!.toISOString().slice(0, 10)));
      } else {
        const zone = usableZone(row.timeZone);
        event.recurrenceId(zone ? new ZonedTime(row.originalStartAt!, zone) : row.originalStartAt!);
      }
    }

    if (options.visibility === 'public') {
      event.summary('Busy');
      event.transparency(ICalEventTransparency.OPAQUE);
      continue;
    }
    event.summary(row.title ?? '');
    event.transparency(ICalEventTransparency.OPAQUE);
    event.status(row.status === 'tentative' ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED);
    if (row.description) event.description(row.description);
    if (row.location) event.location(row.location);
    if (options.withholdPeople) continue;
    if (row.organizerEmail) event.organizer({ email: row.organizerEmail, name: row.organizerName || row.organizerEmail });
    for (const attendee of parseJsonArray<StoredAttendee>(row.attendees)) {
      if (!attendee?.email) continue;
      event.createAttendee({
        email: attendee.email,
        ...(attendee.name ? { name: attendee.name } : {}),
        role: attendee.optional ? ICalAttendeeRole.OPT : ICalAttendeeRole.REQ,
        status: PARTSTAT[attendee.response ?? ''] ?? ICalAttendeeStatus.NEEDSACTION,
      });
    }
  }

  let text = calendar.toString();
  for (const date of allDayRecurrenceIds) {
    // One exact line per all-day exception (timed RECURRENCE-IDs of zoned series never end in T000000Z
    // without a TZID, and UTC ones at midnight are rewritten only as often as all-day exceptions exist).
    text = text.replace(`RECURRENCE-ID:${date}T000000Z\r\n`, `RECURRENCE-ID;VALUE=DATE:${date}\r\n`);
  }
  return text;
}

function addTimes(event: ICalEvent, row: FeedEventRow): void {
  if (row.allDay && row.startDate) {
    // Dates at 00:00 UTC with no zone: ical-generator prints their UTC date, i.e. the stored date itself.
    const endDate = row.endDate ?? row.startDate;
    event.allDay(true);
    event.start(new Date(`${row.startDate}T00:00:00.000Z`));
    event.end(new Date(`${endDate}T00:00:00.000Z`));
    return;
  }
  const zone = usableZone(row.timeZone);
  if (zone) {
    event.timezone(zone);
    event.start(new ZonedTime(row.startAt, zone));
    event.end(new ZonedTime(row.endAt, zone));
  } else {
    event.start(row.startAt);
    event.end(row.endAt);
  }
}
