// The occurrences of a recurring series within a window, for pre-meeting reminders of series that a
// provider lists only as a master (Google). RRULE expansion is the `rrule` library's; it works on
// "floating" wall-clock times, so the series is expanded in its own zone's wall clock and each occurrence
// converted back to an instant here: a 09:00 Berlin meeting stays at 09:00 across DST changes. Pure.
import { RRule, RRuleSet } from 'rrule';
import { wallAsUtcMs, wallTimeOf, zonedWallToUtc } from '../time/zoned-time';

export interface SeriesDefinition {
  /** The first occurrence's start. */
  start: Date;
  /** IANA zone the series repeats in (UTC when unknown). */
  timeZone: string | null;
  /** RFC 5545 lines: RRULE, EXRULE, RDATE, EXDATE. */
  lines: string[];
}

const floating = (instant: Date, zone: string) => new Date(wallAsUtcMs(wallTimeOf(instant.getTime(), zone)));
const fromFloating = (value: Date, zone: string) =>
  new Date(
    zonedWallToUtc(
      {
        year: value.getUTCFullYear(),
        month: value.getUTCMonth() + 1,
        day: value.getUTCDate(),
        hour: value.getUTCHours(),
        minute: value.getUTCMinutes(),
        second: value.getUTCSeconds(),
      },
      zone,
    ),
  );

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

/** Starts of the occurrences beginning in [from, until], earliest first, at most `limit`. */
export function occurrenceStarts(series: SeriesDefinition, window: { from: Date; until: Date }, limit = 500): Date[] {
  const zone = series.timeZone ?? 'UTC';
  const dtstart = floating(series.start, zone);
  const set = new RRuleSet();
  for (const line of series.lines) {
    const name = line.split(/[;:]/, 1)[0]!.toUpperCase();
    if (name === 'RRULE' || name === 'EXRULE') {
      const options = RRule.parseString(line.slice(line.indexOf(':') + 1));
      // UNTIL is an instant (UTC); the expansion runs on wall-clock values.
      if (options.until) options.until = floating(options.until, zone);
      const rule = new RRule({ ...options, dtstart });
      if (name === 'RRULE') set.rrule(rule);
      else set.exrule(rule);
    } else if (name === 'RDATE') {
      for (const date of parseDateList(line, zone)) set.rdate(floating(date, zone));
    } else if (name === 'EXDATE') {
      for (const date of parseDateList(line, zone)) set.exdate(floating(date, zone));
    }
  }
  // The set yields RDATEs and rule dates in no particular order: collect (bounded), then sort.
  const found: Date[] = [];
  set.between(floating(window.from, zone), floating(window.until, zone), true, (value) => {
    found.push(value);
    return found.length < limit * 4;
  });
  return found
    .sort((a, b) => a.getTime() - b.getTime())
    .slice(0, limit)
    .map((value) => fromFloating(value, zone));
}
