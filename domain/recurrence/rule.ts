// An RRULE as this service expands it: the RFC 5545 subset both calendars write (FREQ DAILY, WEEKLY,
// MONTHLY or YEARLY; INTERVAL, COUNT, UNTIL, BYDAY with ordinals where RFC 5545 allows them, BYMONTHDAY,
// BYMONTH, BYSETPOS, WKST). Anything else (sub-daily frequencies, BYHOUR, BYYEARDAY, BYWEEKNO...) is
// refused with the part named: neither Google nor Graph produces it, and each of those parts multiplies
// the work an expansion does. Pure.

export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';

export interface WeekdayRule {
  /** 0 = Monday ... 6 = Sunday. */
  weekday: number;
  /** The n-th such weekday of the month (or year); negative from the end; 0: every one. */
  nth: number;
}

export interface RecurrenceRule {
  freq: Frequency;
  interval: number;
  count?: number;
  /** `20261207T090000Z` (an instant), `20261207T090000` (wall time) or `20261207` (the whole day). */
  until?: { kind: 'instant'; ms: number } | { kind: 'wall'; wallMs: number } | { kind: 'date'; wallMs: number };
  byDay: WeekdayRule[];
  byMonthDay: number[];
  byMonth: number[];
  bySetPos: number[];
  weekStart: number;
}

export type ParsedRule = { ok: true; rule: RecurrenceRule } | { ok: false; problem: string };

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const FREQUENCIES = new Set<Frequency>(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
const MAX_INTERVAL = 1000;
const MAX_COUNT = 100_000;

const refuse = (problem: string): ParsedRule => ({ ok: false, problem });

function integers(value: string, min: number, max: number, nonZero: boolean): number[] | undefined {
  const out: number[] = [];
  for (const part of value.split(',')) {
    if (!/^[+-]?\d{1,6}$/.test(part)) return undefined;
    const n = Number(part);
    if (n < min || n > max || (nonZero && n === 0)) return undefined;
    out.push(n);
  }
  return out;
}

function parseUntil(value: string): RecurrenceRule['until'] | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, z] = match;
  const wallMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  if (Number.isNaN(wallMs)) return undefined;
  if (h === undefined) return { kind: 'date', wallMs };
  return z ? { kind: 'instant', ms: wallMs } : { kind: 'wall', wallMs };
}

/** Parses `RRULE:FREQ=...` (or the part after the colon). */
export function parseRule(line: string): ParsedRule {
  const body = line.trim().replace(/^RRULE:/i, '');
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    const [key, value, extra] = part.split('=');
    if (!key || value === undefined || extra !== undefined || value === '') return refuse(`"${part}" is not KEY=VALUE`);
    const name = key.toUpperCase();
    if (parts.has(name)) return refuse(`${name} is given twice`);
    parts.set(name, value.toUpperCase());
  }
  const freq = parts.get('FREQ') as Frequency | undefined;
  if (!freq || !FREQUENCIES.has(freq)) return refuse('FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY');
  const known = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'WKST']);
  for (const name of parts.keys()) if (!known.has(name)) return refuse(`${name} is not supported`);

  const rule: RecurrenceRule = { freq, interval: 1, byDay: [], byMonthDay: [], byMonth: [], bySetPos: [], weekStart: 0 };
  const interval = parts.get('INTERVAL');
  if (interval !== undefined) {
    const [n] = integers(interval, 1, MAX_INTERVAL, true) ?? [];
    if (n === undefined) return refuse(`INTERVAL must be 1-${MAX_INTERVAL}`);
    rule.interval = n;
  }
  const count = parts.get('COUNT');
  if (count !== undefined) {
    const [n] = integers(count, 1, MAX_COUNT, true) ?? [];
    if (n === undefined) return refuse(`COUNT must be 1-${MAX_COUNT}`);
    rule.count = n;
  }
  const until = parts.get('UNTIL');
  if (until !== undefined) {
    if (count !== undefined) return refuse('COUNT and UNTIL cannot both be given');
    rule.until = parseUntil(until);
    if (!rule.until) return refuse('UNTIL must be a date (yyyymmdd) or date-time (yyyymmddThhmmss[Z])');
  }
  const byDay = parts.get('BYDAY');
  if (byDay !== undefined) {
    for (const entry of byDay.split(',')) {
      const match = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(entry);
      if (!match) return refuse(`BYDAY "${entry}" is not a weekday`);
      const nth = match[1] ? Number(match[1]) : 0;
      const limit = freq === 'MONTHLY' ? 5 : freq === 'YEARLY' ? 53 : 0;
      if (nth !== 0 && (Math.abs(nth) > limit || limit === 0)) return refuse(`BYDAY "${entry}": no such ordinal for FREQ=${freq}`);
      rule.byDay.push({ weekday: WEEKDAYS.indexOf(match[2]!), nth });
    }
  }
  const byMonthDay = parts.get('BYMONTHDAY');
  if (byMonthDay !== undefined) {
    if (freq === 'WEEKLY') return refuse('BYMONTHDAY does not go with FREQ=WEEKLY');
    const days = integers(byMonthDay, -31, 31, true);
    if (!days) return refuse('BYMONTHDAY must be 1-31 or -31 to -1');
    rule.byMonthDay = days;
  }
  const byMonth = parts.get('BYMONTH');
  if (byMonth !== undefined) {
    const months = integers(byMonth, 1, 12, true);
    if (!months) return refuse('BYMONTH must be 1-12');
    rule.byMonth = months;
  }
  const bySetPos = parts.get('BYSETPOS');
  if (bySetPos !== undefined) {
    const positions = integers(bySetPos, -366, 366, true);
    if (!positions) return refuse('BYSETPOS must be 1-366 or -366 to -1');
    rule.bySetPos = positions;
  }
  const weekStart = parts.get('WKST');
  if (weekStart !== undefined) {
    if (!WEEKDAYS.includes(weekStart)) return refuse('WKST must be a weekday (MO-SU)');
    rule.weekStart = WEEKDAYS.indexOf(weekStart);
  }
  return { ok: true, rule };
}
