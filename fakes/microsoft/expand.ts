// Expands a series master into its occurrences inside a time window, following Graph's pattern semantics.
// Occurrence dates are walked day by day in the series' zone: cheap for the windows a calendar view uses.
import type { PatternedRecurrence } from '../../providers/microsoft/recurrence';
import { epochToDate, wallTimeToEpoch } from '../../providers/microsoft/time-zones';
import { occurrenceId } from './ids';
import type { StoredEvent } from './model';

const DAY_MS = 86_400_000;
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const INDEX = { first: 1, second: 2, third: 3, fourth: 4, last: -1 } as const;
/** Guards against runaway series (Graph itself caps numbered ranges at 999 occurrences). */
const MAX_DAYS_WALKED = 366 * 30;

const dateMs = (date: string) => Date.parse(`${date}T00:00:00Z`);
const toDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function matches(rec: PatternedRecurrence, startDate: string, date: string): boolean {
  const { pattern } = rec;
  const d = new Date(dateMs(date));
  const s = new Date(dateMs(startDate));
  const interval = pattern.interval || 1;
  const monthsApart = (d.getUTCFullYear() - s.getUTCFullYear()) * 12 + d.getUTCMonth() - s.getUTCMonth();
  const weekday = DAY_NAMES[d.getUTCDay()]!;
  const relative = () => {
    if (!pattern.daysOfWeek?.includes(weekday as never) || !pattern.index) return false;
    const n = INDEX[pattern.index];
    if (n > 0) return Math.ceil(d.getUTCDate() / 7) === n;
    const next = new Date(d.getTime() + 7 * DAY_MS);
    return next.getUTCMonth() !== d.getUTCMonth();
  };
  switch (pattern.type) {
    case 'daily':
      return Math.round((d.getTime() - s.getTime()) / DAY_MS) % interval === 0;
    case 'weekly': {
      if (!pattern.daysOfWeek?.includes(weekday as never)) return false;
      const first = DAY_NAMES.indexOf(pattern.firstDayOfWeek ?? 'sunday');
      const weekStart = (x: Date) => x.getTime() - ((x.getUTCDay() - first + 7) % 7) * DAY_MS;
      const weeks = Math.round((weekStart(d) - weekStart(s)) / (7 * DAY_MS));
      return weeks % interval === 0;
    }
    case 'absoluteMonthly':
      return monthsApart % interval === 0 && d.getUTCDate() === pattern.dayOfMonth;
    case 'relativeMonthly':
      return monthsApart % interval === 0 && relative();
    case 'absoluteYearly':
      return monthsApart % (12 * interval) === 0 && d.getUTCMonth() + 1 === pattern.month && d.getUTCDate() === pattern.dayOfMonth;
    case 'relativeYearly':
      return monthsApart % (12 * interval) === 0 && d.getUTCMonth() + 1 === pattern.month && relative();
    default:
      return false;
  }
}

/** Original start dates (yyyy-mm-dd in the series zone) of a master's occurrences, up to `untilMs`. */
export function occurrenceDates(master: StoredEvent, untilMs: number): string[] {
  const rec = master.recurrence;
  if (!rec) return [];
  const startDate = rec.range.startDate;
  const lastDate = epochToDate(untilMs, master.start.iana);
  const dates: string[] = [];
  let walked = 0;
  for (let ms = dateMs(startDate); walked < MAX_DAYS_WALKED; ms += DAY_MS, walked++) {
    const date = toDate(ms);
    if (date > lastDate) break;
    if (rec.range.type === 'endDate' && rec.range.endDate && date > rec.range.endDate) break;
    if (rec.range.type === 'numbered' && dates.length >= (rec.range.numberOfOccurrences ?? 0)) break;
    if (matches(rec, startDate, date)) dates.push(date);
  }
  return dates;
}

/** The occurrence of `master` originally on `date` (before any exception is applied). */
export function materializeOccurrence(master: StoredEvent, date: string): StoredEvent {
  const timeOfDay = master.start.wall.slice(10);
  const startMs = wallTimeToEpoch(`${date}${timeOfDay}`, master.start.iana);
  const duration = master.end.ms - master.start.ms;
  const endMs = startMs + duration;
  const endWall = master.isAllDay ? `${toDate(dateMs(date) + Math.round(duration / DAY_MS) * DAY_MS)}T00:00:00.0000000` : undefined;
  return {
    ...master,
    id: occurrenceId(master.id, date),
    iCalUId: master.iCalUId,
    type: 'occurrence',
    recurrence: null,
    seriesMasterId: master.id,
    originalStartMs: startMs,
    start: { ...master.start, wall: `${date}${timeOfDay}`, ms: startMs },
    end: { ...master.end, wall: endWall ?? master.end.wall, ms: endWall ? wallTimeToEpoch(endWall, master.end.iana) : endMs },
    transactionId: null,
  };
}

/** Occurrence id -> its original date, when `id` names an occurrence of `masterId`. */
export function occurrenceDateOf(id: string): { masterId: string; date: string } | undefined {
  const m = /^(.*)_OID(\d{4})(\d{2})(\d{2})$/.exec(id);
  return m ? { masterId: m[1]!, date: `${m[2]}-${m[3]}-${m[4]}` } : undefined;
}
