// The occurrences of a recurring series within a window: its RRULEs expanded in the series' own zone's wall
// clock (so a 09:00 Berlin meeting stays at 09:00 across DST changes), RDATEs added, EXDATEs and EXRULEs
// taken out. Every expansion is bounded (limits.ts): nothing past the horizon is ever expanded, and each
// call spends at most one work budget; a call that runs out says so (`complete: false`). Pure, apart from
// a process-wide tally of the work done (recurrenceWorkSpent), which tests and operators read.
import { offsetMinutes, wallAsUtcMs, zonedWallToUtc } from '../time/zoned-time';
import { DAY_MS } from './civil-days';
import { expandRule, type WorkBudget } from './expand';
import { RECURRENCE_LIMITS, recurrenceHorizon } from './limits';
import { parseRule, type RecurrenceRule } from './rule';

export interface SeriesDefinition {
  /** The first occurrence's start. */
  start: Date;
  /** IANA zone the series repeats in (UTC when unknown). */
  timeZone: string | null;
  /** RFC 5545 lines: RRULE, EXRULE, RDATE, EXDATE. */
  lines: string[];
}

export interface Expansion {
  /** Occurrence starts in the window, earliest first. */
  starts: Date[];
  /** False when the work budget ran out, or a line could not be expanded: `starts` may miss some. */
  complete: boolean;
}

let workSpent = 0;

/** Work units every expansion in this process has spent so far (days looked at). */
export function recurrenceWorkSpent(): number {
  return workSpent;
}

/** The instant's wall-clock reading in `zone`, as if it were UTC (whole seconds): from the cached offsets, not Intl. */
const floatingMs = (instant: number, zone: string) => Math.floor(instant / 1000) * 1000 + offsetMinutes(instant, zone) * 60_000;

function fromFloating(wallMs: number, zone: string): number {
  const value = new Date(wallMs);
  return zonedWallToUtc(
    {
      year: value.getUTCFullYear(),
      month: value.getUTCMonth() + 1,
      day: value.getUTCDate(),
      hour: value.getUTCHours(),
      minute: value.getUTCMinutes(),
      second: value.getUTCSeconds(),
    },
    zone,
  );
}

/** `20261201T090000Z` (an instant) or `20261201T090000` (wall time in `zone`) or `20261201` (a date). */
export function parseDateValue(value: string, zone: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', z] = match;
  const wall = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s) };
  return z ? new Date(wallAsUtcMs(wall)) : new Date(zonedWallToUtc(wall, zone));
}

/** `EXDATE;TZID=Europe/Berlin:20261201T090000,20261208T090000` -> instants. */
export function parseDateList(line: string, seriesZone: string): Date[] {
  const [head, values = ''] = line.split(/:(.*)/s);
  const zone = /TZID=([^;:]+)/.exec(head ?? '')?.[1] ?? seriesZone;
  return values
    .split(',')
    .map((value) => parseDateValue(value, zone))
    .filter((date): date is Date => date !== undefined);
}

const lineName = (line: string) => line.split(/[;:]/, 1)[0]!.trim().toUpperCase();

/** The rule's UNTIL as a wall time of the series' zone (a date-only UNTIL includes that whole day). */
function untilWall(rule: RecurrenceRule, zone: string): number | undefined {
  const until = rule.until;
  if (!until) return undefined;
  if (until.kind === 'instant') return floatingMs(until.ms, zone);
  return until.kind === 'date' ? until.wallMs + DAY_MS - 1000 : until.wallMs;
}

/**
 * The series' occurrence starts in [from, until] (both inclusive), at most `limit`, never past the horizon
 * seen from `now`, spending at most `budget` (default: one RECURRENCE_LIMITS.workBudget).
 */
export function expandSeries(
  series: SeriesDefinition,
  window: { from: Date; until: Date },
  options: { now: Date; limit?: number; budget?: WorkBudget },
): Expansion {
  const zone = series.timeZone ?? 'UTC';
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const lastMs = Math.min(window.until.getTime(), recurrenceHorizon(series.start, options.now).getTime());
  const firstMs = Math.max(window.from.getTime(), series.start.getTime());
  // Outside the series' span or past the horizon: answered without expanding anything.
  if (firstMs > lastMs) return { starts: [], complete: true };

  const budget = options.budget ?? { remaining: RECURRENCE_LIMITS.workBudget };
  const before = budget.remaining;
  // Wall-clock bounds a day wider than the instants: zone offsets are resolved when converting back.
  const wallWindow = {
    startWall: floatingMs(series.start.getTime(), zone),
    fromWall: floatingMs(firstMs, zone) - DAY_MS,
    untilWall: floatingMs(lastMs, zone) + DAY_MS,
  };
  const included = new Set<number>();
  const excluded = new Set<number>();
  let complete = true;
  const exdates = series.lines.filter((line) => lineName(line) === 'EXDATE');
  for (const line of series.lines) {
    const name = lineName(line);
    if (name === 'RRULE' || name === 'EXRULE') {
      const parsed = parseRule(line.slice(line.indexOf(':') + 1));
      if (!parsed.ok) {
        complete = false;
        continue;
      }
      // Enough for `limit` occurrences even when EXDATEs take some out.
      const wanted = name === 'RRULE' ? limit + exdates.length + 1 : Number.POSITIVE_INFINITY;
      const expanded = expandRule(parsed.rule, { ...wallWindow, ruleUntilWall: untilWall(parsed.rule, zone) }, budget, wanted);
      complete &&= expanded.complete;
      for (const wall of expanded.wallTimes) (name === 'RRULE' ? included : excluded).add(fromFloating(wall, zone));
    } else if (name === 'RDATE') {
      for (const date of parseDateList(line, zone)) included.add(date.getTime());
    } else if (name === 'EXDATE') {
      for (const date of parseDateList(line, zone)) excluded.add(date.getTime());
    }
  }
  workSpent += before - budget.remaining;
  const starts = [...included]
    .filter((ms) => ms >= firstMs && ms <= lastMs && !excluded.has(ms))
    .sort((a, b) => a - b)
    .slice(0, limit)
    .map((ms) => new Date(ms));
  return { starts, complete };
}

/** Starts of the occurrences beginning in [from, until], earliest first, at most `limit` (bounded, see expandSeries). */
export function occurrenceStarts(series: SeriesDefinition, window: { from: Date; until: Date }, limit = 500, now = new Date()): Date[] {
  return expandSeries(series, window, { now, limit }).starts;
}

/**
 * Why the series' lines cannot be a rule of this service (for a 400 naming the field), or undefined: a
 * part it does not expand, or a rule that yields no occurrence before the horizon.
 */
export function recurrenceProblem(series: SeriesDefinition, now: Date): string | undefined {
  for (const line of series.lines) {
    const name = lineName(line);
    if (name !== 'RRULE' && name !== 'EXRULE') continue;
    const parsed = parseRule(line.slice(line.indexOf(':') + 1));
    if (!parsed.ok) return parsed.problem;
  }
  const horizon = recurrenceHorizon(series.start, now);
  const first = expandSeries(series, { from: series.start, until: horizon }, { now, limit: 1 });
  if (first.starts.length === 0) {
    return `the rule yields no occurrence within ${RECURRENCE_LIMITS.horizonYears} years of the series' start`;
  }
  return undefined;
}

/** The series definition of an event's version (its start, zone and recurrence lines). */
export function seriesOfVersion(version: {
  start: { kind: 'date'; date: string } | { kind: 'dateTime'; dateTime: string; timeZone: string };
  recurrence: string[] | null;
}): SeriesDefinition {
  const { start } = version;
  return start.kind === 'date'
    ? { start: new Date(`${start.date}T00:00:00.000Z`), timeZone: 'UTC', lines: version.recurrence ?? [] }
    : { start: new Date(start.dateTime), timeZone: start.timeZone, lines: version.recurrence ?? [] };
}

/**
 * True when no occurrence can start at `at` whatever the rule's BY* parts say: before the series' start,
 * after every RRULE's UNTIL (with no RDATE), or past the horizon. Answered without expanding anything.
 */
export function outsideSeriesSpan(series: SeriesDefinition, at: Date, now: Date): boolean {
  if (at.getTime() < series.start.getTime() || at.getTime() > recurrenceHorizon(series.start, now).getTime()) return true;
  const zone = series.timeZone ?? 'UTC';
  const ends: number[] = [];
  for (const line of series.lines) {
    const name = lineName(line);
    if (name === 'RDATE') return false;
    if (name !== 'RRULE') continue;
    const parsed = parseRule(line.slice(line.indexOf(':') + 1));
    const end = parsed.ok ? untilWall(parsed.rule, zone) : undefined;
    if (end === undefined) return false;
    ends.push(end);
  }
  return ends.length > 0 && floatingMs(at.getTime(), zone) > Math.max(...ends);
}
