// A small RFC 5545 expander for the Google fake's free/busy and instances: FREQ DAILY/WEEKLY/MONTHLY/
// YEARLY with INTERVAL, COUNT, UNTIL and BYDAY (weekly), plus EXDATE/RDATE lines. Occurrences repeat in
// wall-clock time of the series' zone, as Google does. Anything fancier (BYSETPOS, BYMONTHDAY lists...)
// expands to the first occurrence only; the fake never invents occurrences it cannot compute.

import { instantOfWall, wallClockAt, type WallClock } from '../time/zone-clock';
import { dateStartInZone } from './time';

export interface SeriesStart {
  /** Instant of the first occurrence (ms); for all-day series midnight of the date in `timeZone`. */
  startMs: number;
  allDayDate?: string;
  timeZone: string;
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const MAX_OCCURRENCES = 5000;

function parseRule(line: string): Map<string, string> {
  const rule = new Map<string, string>();
  for (const part of line.replace(/^RRULE:/, '').split(';')) {
    const [key, value] = part.split('=');
    if (key && value !== undefined) rule.set(key.toUpperCase(), value.toUpperCase());
  }
  return rule;
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

function shiftWall(wall: WallClock, unit: 'day' | 'month' | 'year', amount: number): WallClock {
  const base = new Date(Date.UTC(wall.year, wall.month - 1, wall.day));
  if (unit === 'day') base.setUTCDate(base.getUTCDate() + amount);
  if (unit === 'month') base.setUTCMonth(base.getUTCMonth() + amount);
  if (unit === 'year') base.setUTCFullYear(base.getUTCFullYear() + amount);
  return { ...wall, year: base.getUTCFullYear(), month: base.getUTCMonth() + 1, day: base.getUTCDate() };
}

/** Occurrence start instants (ms) of the series that begin before `untilMs`, in order. */
export function expandSeries(series: SeriesStart, recurrence: string[], untilMs: number): number[] {
  const zone = series.timeZone;
  const toInstant = (wall: WallClock): number =>
    series.allDayDate !== undefined
      ? dateStartInZone(
          `${String(wall.year).padStart(4, '0')}-${String(wall.month).padStart(2, '0')}-${String(wall.day).padStart(2, '0')}`,
          zone,
        )
      : instantOfWall(wall, zone);
  const first =
    series.allDayDate !== undefined
      ? (() => {
          const [y, m, d] = series.allDayDate.split('-').map(Number);
          return { year: y ?? 1970, month: m ?? 1, day: d ?? 1, hour: 0, minute: 0, second: 0 };
        })()
      : wallClockAt(series.startMs, zone);

  const occurrences = new Set<number>([series.startMs]);
  for (const line of recurrence) {
    if (!line.toUpperCase().startsWith('RRULE:')) continue;
    const rule = parseRule(line);
    const freq = rule.get('FREQ');
    const interval = Math.max(1, Number(rule.get('INTERVAL') ?? 1) || 1);
    const count = rule.has('COUNT') ? Number(rule.get('COUNT')) : undefined;
    const untilValue = rule.get('UNTIL');
    const until = untilValue ? parseIcsTime(untilValue, zone) : undefined;
    const limit = Math.min(untilMs, until !== undefined ? until + 1 : Infinity);
    const byDay = rule
      .get('BYDAY')
      ?.split(',')
      .map((d) => WEEKDAYS.indexOf(d.slice(-2)))
      .filter((d) => d >= 0);

    let produced = 0;
    const emit = (wall: WallClock): boolean => {
      const ms = toInstant(wall);
      if (ms < series.startMs) return true;
      if (ms >= limit || (count !== undefined && produced >= count) || produced >= MAX_OCCURRENCES) return false;
      occurrences.add(ms);
      produced += 1;
      return true;
    };

    if (freq === 'WEEKLY') {
      const firstWeekday = new Date(Date.UTC(first.year, first.month - 1, first.day)).getUTCDay();
      const days = byDay && byDay.length > 0 ? [...byDay].sort((a, b) => a - b) : [firstWeekday];
      // Weeks start on Sunday here (RFC default WKST=MO only matters for INTERVAL>1 with BYDAY spanning it).
      let weekStart = shiftWall(first, 'day', -firstWeekday);
      for (let guard = 0; guard < MAX_OCCURRENCES; guard += 1) {
        let keepGoing = true;
        for (const day of days) {
          if (!emit(shiftWall(weekStart, 'day', day))) {
            keepGoing = toInstant(shiftWall(weekStart, 'day', day)) < series.startMs;
            if (!keepGoing) break;
          }
        }
        if (!keepGoing) break;
        weekStart = shiftWall(weekStart, 'day', 7 * interval);
      }
    } else if (freq === 'DAILY' || freq === 'MONTHLY' || freq === 'YEARLY') {
      const unit = freq === 'DAILY' ? 'day' : freq === 'MONTHLY' ? 'month' : 'year';
      for (let i = 0; i < MAX_OCCURRENCES; i += 1) {
        if (!emit(shiftWall(first, unit, i * interval))) break;
      }
    }
  }
  for (const ms of listTimes(recurrence, 'RDATE', zone)) if (ms < untilMs) occurrences.add(ms);
  const excluded = new Set(listTimes(recurrence, 'EXDATE', zone));
  return [...occurrences].filter((ms) => !excluded.has(ms) && ms < untilMs).sort((a, b) => a - b);
}
