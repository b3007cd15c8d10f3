// The Google fake's own RFC 5545 expander, for free/busy, events.instances and instance ids: FREQ
// DAILY/WEEKLY/MONTHLY/YEARLY with INTERVAL, COUNT, UNTIL, BYDAY (ordinals such as 2TU or -1FR within a month),
// BYMONTHDAY (negative counts from the month's end), BYMONTH, BYSETPOS and WKST, plus RDATE and EXDATE lines.
// Occurrences repeat in wall-clock time of the series' zone, as Google does; dates a month lacks (the 31st,
// February 29th) are skipped, as RFC 5545 says. A rule with parts beyond these (BYHOUR, BYWEEKNO, FREQ=HOURLY...)
// adds nothing but the first occurrence: the fake never invents occurrences it cannot compute.

import { addDays, addMonths, daysInMonth, formatDate, parseDate, weekdayOf } from '../time/calendar-dates';
import { instantOfWall, wallClockAt, type WallClock } from '../time/zone-clock';
import { dateStartInZone } from './time';

export interface SeriesStart {
  /** Instant of the first occurrence (ms); for all-day series midnight of the date in `timeZone`. */
  startMs: number;
  allDayDate?: string;
  timeZone: string;
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const SUPPORTED = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'WKST']);
const MAX_OCCURRENCES = 5000;
const MAX_PERIODS = 50_000;

interface Rule {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
  interval: number;
  count?: number;
  until?: string;
  byDay: Array<{ ordinal?: number; weekday: number }>;
  byMonthDay: number[];
  byMonth: number[];
  bySetPos: number[];
  weekStart: number;
}

const numbers = (value: string | undefined): number[] => (value ? value.split(',').map(Number) : []);

/** The rule, or undefined when it uses anything this expander does not compute. */
function parseRule(line: string): Rule | undefined {
  const parts = new Map<string, string>();
  for (const part of line.replace(/^RRULE:/i, '').split(';')) {
    const [key, value] = part.split('=');
    if (key && value !== undefined) parts.set(key.toUpperCase(), value.toUpperCase());
  }
  const freq = parts.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY' && freq !== 'YEARLY') return undefined;
  if ([...parts.keys()].some((key) => !SUPPORTED.has(key))) return undefined;
  const byDay = (parts.get('BYDAY') ?? '')
    .split(',')
    .filter(Boolean)
    .map((entry) => {
      const m = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(entry);
      return { ordinal: m?.[1] ? Number(m[1]) : undefined, weekday: WEEKDAYS.indexOf(m?.[2] ?? '') };
    });
  if (byDay.some((d) => d.weekday < 0)) return undefined;
  // Ordinals in BYDAY mean "n-th in the month" only for MONTHLY, or YEARLY with BYMONTH; the rest is not computed.
  if (byDay.some((d) => d.ordinal !== undefined) && !(freq === 'MONTHLY' || (freq === 'YEARLY' && parts.has('BYMONTH')))) {
    return undefined;
  }
  if (freq === 'YEARLY' && byDay.length > 0 && !parts.has('BYMONTH')) return undefined;
  const count = parts.has('COUNT') ? Number(parts.get('COUNT')) : undefined;
  return {
    freq,
    interval: Math.max(1, Number(parts.get('INTERVAL') ?? 1) || 1),
    ...(count !== undefined ? { count } : {}),
    ...(parts.has('UNTIL') ? { until: parts.get('UNTIL') } : {}),
    byDay,
    byMonthDay: numbers(parts.get('BYMONTHDAY')),
    byMonth: numbers(parts.get('BYMONTH')),
    bySetPos: numbers(parts.get('BYSETPOS')),
    weekStart: WEEKDAYS.indexOf(parts.get('WKST') ?? 'MO'),
  };
}

/** Days of one month the rule selects (BYMONTHDAY and/or BYDAY; neither: the start's day of the month). */
function monthDays(rule: Rule, year: number, month: number, startDay: number): string[] {
  const length = daysInMonth(year, month);
  const all = Array.from({ length }, (_, i) => formatDate(year, month, i + 1));
  let days = all;
  if (rule.byMonthDay.length > 0) {
    const wanted = new Set(rule.byMonthDay.map((d) => (d < 0 ? length + d + 1 : d)));
    days = days.filter((_, i) => wanted.has(i + 1));
  }
  if (rule.byDay.length > 0) {
    days = days.filter((date) =>
      rule.byDay.some(({ ordinal, weekday }) => {
        if (weekdayOf(date) !== weekday) return false;
        if (ordinal === undefined) return true;
        const sameWeekday = all.filter((d) => weekdayOf(d) === weekday);
        return sameWeekday.at(ordinal > 0 ? ordinal - 1 : ordinal) === date;
      }),
    );
  }
  if (rule.byMonthDay.length === 0 && rule.byDay.length === 0) days = startDay <= length ? [formatDate(year, month, startDay)] : [];
  return days;
}

/** The candidate dates of the `period`-th period of the rule, BYSETPOS applied. */
function periodDates(rule: Rule, startDate: string, period: number): string[] {
  const start = parseDate(startDate);
  const inMonths = (date: string) => rule.byMonth.length === 0 || rule.byMonth.includes(parseDate(date).month);
  let dates: string[];
  switch (rule.freq) {
    case 'DAILY': {
      const date = addDays(startDate, period * rule.interval);
      const { day } = parseDate(date);
      const keep =
        inMonths(date) &&
        (rule.byDay.length === 0 || rule.byDay.some((d) => d.weekday === weekdayOf(date))) &&
        (rule.byMonthDay.length === 0 || rule.byMonthDay.includes(day));
      dates = keep ? [date] : [];
      break;
    }
    case 'WEEKLY': {
      const weekStart = addDays(startDate, -((weekdayOf(startDate) - rule.weekStart + 7) % 7) + period * 7 * rule.interval);
      const weekdays = rule.byDay.length > 0 ? rule.byDay.map((d) => d.weekday) : [weekdayOf(startDate)];
      dates = [0, 1, 2, 3, 4, 5, 6].map((i) => addDays(weekStart, i)).filter((d) => weekdays.includes(weekdayOf(d)) && inMonths(d));
      break;
    }
    case 'MONTHLY': {
      const { year, month } = addMonths(start.year, start.month, period * rule.interval);
      dates = inMonths(formatDate(year, month, 1)) ? monthDays(rule, year, month, start.day) : [];
      break;
    }
    case 'YEARLY': {
      const year = start.year + period * rule.interval;
      const months = rule.byMonth.length > 0 ? [...rule.byMonth].sort((a, b) => a - b) : [start.month];
      dates = months.flatMap((month) => monthDays(rule, year, month, start.day));
      break;
    }
  }
  if (rule.bySetPos.length === 0) return dates;
  return rule.bySetPos.flatMap((pos) => dates.at(pos > 0 ? pos - 1 : pos) ?? []).sort();
}

function parseIcsTime(value: string, timeZone: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, z] = match;
  const wall: WallClock = { year: +y!, month: +mo!, day: +d!, hour: +(h ?? 0), minute: +(mi ?? 0), second: +(s ?? 0) };
  if (z) return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return instantOfWall(wall, timeZone);
}

/** Values of `EXDATE;TZID=...:a,b` / `RDATE:...` lines as instants. */
function listTimes(lines: string[], prefix: string, fallbackZone: string): number[] {
  const times: number[] = [];
  for (const line of lines) {
    if (!line.toUpperCase().startsWith(prefix)) continue;
    const colon = line.indexOf(':');
    const params = line.slice(prefix.length, colon);
    const zone = /TZID=([^;:]+)/i.exec(params)?.[1] ?? fallbackZone;
    for (const value of line.slice(colon + 1).split(',')) {
      const ms = parseIcsTime(value, zone);
      if (ms !== undefined) times.push(ms);
    }
  }
  return times;
}

/** Occurrence start instants (ms) of one rule that begin before `untilMs`, the first occurrence included. */
function expandRule(series: SeriesStart, rule: Rule, untilMs: number): number[] {
  const zone = series.timeZone;
  const time = wallClockAt(series.startMs, zone);
  const first = series.allDayDate ?? formatDate(time.year, time.month, time.day);
  const instantOf = (date: string): number =>
    series.allDayDate !== undefined
      ? dateStartInZone(date, zone)
      : instantOfWall({ ...parseDate(date), hour: time.hour, minute: time.minute, second: time.second }, zone);
  const until = rule.until !== undefined ? parseIcsTime(rule.until, zone) : undefined;
  const out: number[] = [];
  for (let period = 0; period < MAX_PERIODS; period++) {
    for (const date of periodDates(rule, first, period)) {
      if (date < first) continue;
      const ms = instantOf(date);
      const full = (rule.count !== undefined && out.length >= rule.count) || out.length >= MAX_OCCURRENCES;
      if (ms >= untilMs || (until !== undefined && ms > until) || full) return out;
      out.push(ms);
    }
  }
  return out;
}

/** Occurrence start instants (ms) of the series that begin before `untilMs`, in order. */
export function expandSeries(series: SeriesStart, recurrence: string[], untilMs: number): number[] {
  const occurrences = new Set<number>([series.startMs]);
  for (const line of recurrence) {
    if (!/^RRULE:/i.test(line)) continue;
    const rule = parseRule(line);
    if (rule) for (const ms of expandRule(series, rule, untilMs)) occurrences.add(ms);
  }
  for (const ms of listTimes(recurrence, 'RDATE', series.timeZone)) if (ms < untilMs) occurrences.add(ms);
  const excluded = new Set(listTimes(recurrence, 'EXDATE', series.timeZone));
  return [...occurrences].filter((ms) => !excluded.has(ms) && ms < untilMs).sort((a, b) => a - b);
}
