// Graph `patternedRecurrence` <-> RFC 5545 RRULE lines (both directions, pure). Graph has six pattern types
// and three range types; everything RRULE can say beyond that (BYHOUR, FREQ=HOURLY, RDATE, EXRULE, several
// BYSETPOS values...) has no Graph form and is rejected with RecurrenceMappingError.
// Graph keeps cancelled occurrences out of the pattern (they are simply absent), so no EXDATE is produced.
import { epochToDate, wallTimeToEpoch } from './time-zones';

export type DayOfWeek = 'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday';
export type WeekIndex = 'first' | 'second' | 'third' | 'fourth' | 'last';

export interface RecurrencePattern {
  type: 'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
  interval: number;
  month?: number;
  dayOfMonth?: number;
  daysOfWeek?: DayOfWeek[];
  firstDayOfWeek?: DayOfWeek;
  index?: WeekIndex;
}

export interface RecurrenceRange {
  type: 'endDate' | 'noEnd' | 'numbered';
  startDate: string; // yyyy-mm-dd
  endDate?: string | null; // inclusive
  numberOfOccurrences?: number;
  recurrenceTimeZone?: string;
}

export interface PatternedRecurrence {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

export class RecurrenceMappingError extends Error {
  override readonly name = 'RecurrenceMappingError';
}

const DAYS: Array<[DayOfWeek, string]> = [
  ['sunday', 'SU'],
  ['monday', 'MO'],
  ['tuesday', 'TU'],
  ['wednesday', 'WE'],
  ['thursday', 'TH'],
  ['friday', 'FR'],
  ['saturday', 'SA'],
];
const DAY_TO_ICAL = new Map(DAYS);
const ICAL_TO_DAY = new Map(DAYS.map(([graph, ical]) => [ical, graph] as const));
const INDEX_TO_NUMBER: Record<WeekIndex, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };
const NUMBER_TO_INDEX = new Map<number, WeekIndex>(Object.entries(INDEX_TO_NUMBER).map(([k, v]) => [v, k as WeekIndex]));

export interface RecurrenceContext {
  /** IANA zone the series is written in (UNTIL is computed at the end of `endDate` there). */
  timeZone: string;
  allDay: boolean;
}

/** Graph recurrence -> `['RRULE:...']`. */
export function recurrenceToRrule(recurrence: PatternedRecurrence, context: RecurrenceContext): string[] {
  const { pattern, range } = recurrence;
  const parts: string[] = [];
  const days = (pattern.daysOfWeek ?? []).map((d) => {
    const ical = DAY_TO_ICAL.get(d);
    if (!ical) throw new RecurrenceMappingError(`unknown day ${d}`);
    return ical;
  });
  const relativeDays = () => {
    if (!pattern.index) throw new RecurrenceMappingError('relative pattern without index');
    const n = INDEX_TO_NUMBER[pattern.index];
    // One day: the compact `BYDAY=2TU`; several days: `BYDAY=MO,TU;BYSETPOS=2` (the n-th of those days).
    return days.length === 1 ? [`BYDAY=${n}${days[0]}`] : [`BYDAY=${days.join(',')}`, `BYSETPOS=${n}`];
  };
  switch (pattern.type) {
    case 'daily':
      parts.push('FREQ=DAILY');
      break;
    case 'weekly':
      parts.push('FREQ=WEEKLY');
      break;
    case 'absoluteMonthly':
    case 'relativeMonthly':
      parts.push('FREQ=MONTHLY');
      break;
    case 'absoluteYearly':
    case 'relativeYearly':
      parts.push('FREQ=YEARLY');
      break;
    default:
      throw new RecurrenceMappingError(`unsupported pattern ${String((pattern as { type: unknown }).type)}`);
  }
  if (pattern.interval && pattern.interval !== 1) parts.push(`INTERVAL=${pattern.interval}`);
  switch (pattern.type) {
    case 'weekly':
      if (days.length) parts.push(`BYDAY=${days.join(',')}`);
      if (pattern.firstDayOfWeek && pattern.firstDayOfWeek !== 'monday') parts.push(`WKST=${DAY_TO_ICAL.get(pattern.firstDayOfWeek)}`);
      break;
    case 'absoluteMonthly':
      parts.push(`BYMONTHDAY=${pattern.dayOfMonth}`);
      break;
    case 'relativeMonthly':
      parts.push(...relativeDays());
      break;
    case 'absoluteYearly':
      parts.push(`BYMONTH=${pattern.month}`, `BYMONTHDAY=${pattern.dayOfMonth}`);
      break;
    case 'relativeYearly':
      parts.push(`BYMONTH=${pattern.month}`, ...relativeDays());
      break;
    default:
      break;
  }
  if (range.type === 'numbered') {
    parts.push(`COUNT=${range.numberOfOccurrences}`);
  } else if (range.type === 'endDate' && range.endDate) {
    parts.push(`UNTIL=${untilFromEndDate(range.endDate, context)}`);
  }
  return [`RRULE:${parts.join(';')}`];
}

function untilFromEndDate(endDate: string, context: RecurrenceContext): string {
  const compact = endDate.replace(/-/g, '');
  if (context.allDay) return compact;
  // Inclusive end date: any occurrence starting that day, in the series' zone, is included.
  const lastSecond = wallTimeToEpoch(`${endDate}T23:59:59`, context.timeZone);
  return new Date(lastSecond)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * `['RRULE:...']` -> Graph recurrence for a series whose first occurrence starts on `startDate`
 * (yyyy-mm-dd, in `context.timeZone`). Throws RecurrenceMappingError for what Graph cannot express.
 */
export function rruleToRecurrence(lines: string[], startDate: string, context: RecurrenceContext): PatternedRecurrence {
  const rules = lines.filter((l) => l.toUpperCase().startsWith('RRULE:'));
  const others = lines.filter((l) => !l.toUpperCase().startsWith('RRULE:') && l.trim() !== '');
  if (rules.length !== 1) throw new RecurrenceMappingError('exactly one RRULE is supported');
  if (others.length) throw new RecurrenceMappingError('EXDATE, RDATE and EXRULE have no Graph equivalent');
  const fields = new Map<string, string>();
  for (const part of rules[0]!.slice('RRULE:'.length).split(';')) {
    const [k, v] = part.split('=');
    if (k && v !== undefined) fields.set(k.toUpperCase(), v.toUpperCase());
  }
  const known = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'COUNT', 'UNTIL', 'WKST']);
  for (const k of fields.keys()) if (!known.has(k)) throw new RecurrenceMappingError(`unsupported RRULE part ${k}`);

  const interval = fields.has('INTERVAL') ? Number(fields.get('INTERVAL')) : 1;
  if (!Number.isInteger(interval) || interval < 1) throw new RecurrenceMappingError('bad INTERVAL');
  const start = new Date(`${startDate}T00:00:00Z`);

  // BYDAY entries, each optionally with an ordinal (2TU, -1FR).
  const byDay = (fields.get('BYDAY') ?? '')
    .split(',')
    .filter(Boolean)
    .map((entry) => {
      const m = /^([+-]?\d)?(SU|MO|TU|WE|TH|FR|SA)$/.exec(entry);
      if (!m) throw new RecurrenceMappingError(`bad BYDAY ${entry}`);
      return { ordinal: m[1] ? Number(m[1]) : undefined, day: ICAL_TO_DAY.get(m[2]!)! };
    });
  const setPos = fields.has('BYSETPOS') ? Number(fields.get('BYSETPOS')) : undefined;
  const ordinals = new Set(byDay.map((d) => d.ordinal ?? setPos));
  const relativeIndex = (): WeekIndex => {
    if (ordinals.size !== 1) throw new RecurrenceMappingError('one week index only');
    const n = [...ordinals][0];
    const index = n === undefined ? undefined : NUMBER_TO_INDEX.get(n);
    if (!index) throw new RecurrenceMappingError('week index must be 1-4 or -1');
    return index;
  };
  const isRelative = byDay.some((d) => d.ordinal !== undefined) || setPos !== undefined;
  const startDay = DAYS[start.getUTCDay()]![0];

  let pattern: RecurrencePattern;
  switch (fields.get('FREQ')) {
    case 'DAILY':
      if (byDay.length) throw new RecurrenceMappingError('DAILY with BYDAY: use WEEKLY');
      pattern = { type: 'daily', interval };
      break;
    case 'WEEKLY': {
      const wkst = fields.get('WKST');
      pattern = {
        type: 'weekly',
        interval,
        daysOfWeek: byDay.length ? byDay.map((d) => d.day) : [startDay],
        firstDayOfWeek: wkst ? (ICAL_TO_DAY.get(wkst) ?? 'monday') : 'monday',
      };
      break;
    }
    case 'MONTHLY':
      pattern = isRelative
        ? { type: 'relativeMonthly', interval, daysOfWeek: byDay.map((d) => d.day), index: relativeIndex() }
        : { type: 'absoluteMonthly', interval, dayOfMonth: Number(fields.get('BYMONTHDAY') ?? start.getUTCDate()) };
      break;
    case 'YEARLY': {
      const month = Number(fields.get('BYMONTH') ?? start.getUTCMonth() + 1);
      pattern = isRelative
        ? { type: 'relativeYearly', interval, month, daysOfWeek: byDay.map((d) => d.day), index: relativeIndex() }
        : { type: 'absoluteYearly', interval, month, dayOfMonth: Number(fields.get('BYMONTHDAY') ?? start.getUTCDate()) };
      break;
    }
    default:
      throw new RecurrenceMappingError(`unsupported FREQ ${fields.get('FREQ') ?? '(none)'}`);
  }

  let range: RecurrenceRange;
  if (fields.has('COUNT')) {
    range = { type: 'numbered', startDate, numberOfOccurrences: Number(fields.get('COUNT')) };
  } else if (fields.has('UNTIL')) {
    range = { type: 'endDate', startDate, endDate: endDateFromUntil(fields.get('UNTIL')!, context) };
  } else {
    range = { type: 'noEnd', startDate };
  }
  return { pattern, range: { ...range, recurrenceTimeZone: context.timeZone } };
}

function endDateFromUntil(until: string, context: RecurrenceContext): string {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(until);
  if (!m) throw new RecurrenceMappingError('bad UNTIL');
  const [, y, mo, d, h, mi, s, z] = m;
  if (h === undefined) return `${y}-${mo}-${d}`;
  const ms = z
    ? Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
    : wallTimeToEpoch(`${y}-${mo}-${d}T${h}:${mi}:${s}`, context.timeZone);
  return epochToDate(ms, context.timeZone);
}
