// The occurrences of a series master, materialized as Graph returns them: type `occurrence`, their own id and
// iCalUId, `seriesMasterId`, `originalStart`, and the master's other fields. Dates come from the pattern
// (recurrence-expansion.ts) in the series' recurrenceTimeZone; the time of day is the master's in that zone.
import { addDays, daysBetween, parseDate } from '../time/calendar-dates';
import { instantOfWall, wallClockAt } from '../time/zone-clock';
import { dateIn, graphDateTimeOf, requireZone, utcTimestamp } from './graph-time';
import { occurrenceICalUid, occurrenceId } from './ids';
import type { StoredEvent } from './model';
import { occurrenceDates } from './recurrence-expansion';

const DAY_MS = 86_400_000;

/** The IANA zone a series repeats in: its recurrenceTimeZone, else the zone its start is written in. */
export function seriesZone(master: StoredEvent): string {
  const named = master.json.recurrence?.range.recurrenceTimeZone || master.json.start.timeZone;
  return requireZone(named);
}

/** The occurrence of `master` originally on `date` (a date of its pattern), before any exception applies. */
export function materializeOccurrence(master: StoredEvent, date: string): StoredEvent {
  const m = master.json;
  const zone = seriesZone(master);
  const startZone = requireZone(m.start.timeZone);
  const endZone = requireZone(m.end.timeZone);
  let start: StoredEvent['json']['start'];
  let end: StoredEvent['json']['end'];
  let startMs: number;
  let endMs: number;
  let originalStartMs: number;
  if (m.isAllDay) {
    // All-day days float: the same dates wherever shown. Graph gives originalStart as midnight in the series'
    // recurrenceTimeZone expressed in UTC, so east of UTC it falls on the previous UTC date (PROVIDERS.md).
    const days = daysBetween(m.start.dateTime.slice(0, 10), m.end.dateTime.slice(0, 10));
    start = { dateTime: `${date}T00:00:00.0000000`, timeZone: m.start.timeZone };
    end = { dateTime: `${addDays(date, days)}T00:00:00.0000000`, timeZone: m.end.timeZone };
    startMs = instantOfWall({ ...parseDate(date), hour: 0, minute: 0, second: 0 }, startZone);
    endMs = instantOfWall({ ...parseDate(addDays(date, days)), hour: 0, minute: 0, second: 0 }, endZone);
    originalStartMs = instantOfWall({ ...parseDate(date), hour: 0, minute: 0, second: 0 }, zone);
  } else {
    const { hour, minute, second } = wallClockAt(master.startMs, zone);
    startMs = instantOfWall({ ...parseDate(date), hour, minute, second }, zone);
    endMs = startMs + (master.endMs - master.startMs);
    start = { dateTime: graphDateTimeOf(startMs, startZone), timeZone: m.start.timeZone };
    end = { dateTime: graphDateTimeOf(endMs, endZone), timeZone: m.end.timeZone };
    originalStartMs = startMs;
  }
  const id = occurrenceId(m.id, date);
  return {
    calendarId: master.calendarId,
    startMs,
    endMs,
    json: {
      ...m,
      id,
      iCalUId: occurrenceICalUid(m.iCalUId, date),
      type: 'occurrence',
      seriesMasterId: m.id,
      originalStart: utcTimestamp(originalStartMs),
      recurrence: null,
      transactionId: null,
      start,
      end,
      webLink: webLinkOf(id),
    },
  };
}

export function webLinkOf(id: string): string {
  return `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`;
}

/** Occurrences of the series that overlap [startMs, endMs), materialized (exceptions not applied). */
export function occurrencesOverlapping(master: StoredEvent, startMs: number, endMs: number): StoredEvent[] {
  const recurrence = master.json.recurrence;
  if (!recurrence) return [];
  const zone = seriesZone(master);
  const duration = master.endMs - master.startMs;
  // An occurrence that starts up to one duration before the window can still overlap it; a day of slack on
  // both sides covers the zone's offset.
  const firstDate = dateIn(startMs - duration - DAY_MS, zone);
  const lastDate = dateIn(endMs + DAY_MS, zone);
  return occurrenceDates(recurrence, lastDate)
    .filter((date) => date >= firstDate)
    .map((date) => materializeOccurrence(master, date))
    .filter((occurrence) => occurrence.endMs > startMs && occurrence.startMs < endMs);
}

/** True when `date` is one of the series' occurrence dates. */
export function isOccurrenceDate(master: StoredEvent, date: string): boolean {
  return master.json.recurrence ? occurrenceDates(master.json.recurrence, date).includes(date) : false;
}
