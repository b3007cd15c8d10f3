// Graph's `dateTimeTimeZone` values: a wall-clock `dateTime` ("2024-05-01T09:00:00.0000000", no offset) in the
// zone named by `timeZone` (a Windows or an IANA name), read and written with the fake's own zone table.
import { wallClockAt, instantOfWall } from '../time/zone-clock';
import { GraphHttpError } from './graph-errors';
import { zoneNameToIana } from './windows-zones';

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * The IANA zone behind a Graph zone name. Unknown names are refused the way Graph refuses them (400
 * TimeZoneNotSupportedException, seen for e.g. 'Greenwich Mean Time'): the fake never reads them as UTC.
 */
export function requireZone(name: string): string {
  const iana = zoneNameToIana(name);
  if (iana) return iana;
  throw new GraphHttpError(
    400,
    'TimeZoneNotSupportedException',
    `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${name}'.`,
  );
}

/**
 * The instant of a Graph date-time in `iana`. Graph's dateTime carries no offset; when a client sends one
 * anyway, the fake lets the offset win (what Graph does then is unconfirmed). Undefined when unreadable.
 */
export function instantOfGraphDateTime(dateTime: string, iana: string): number | undefined {
  const m = WALL.exec(dateTime.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', offset] = m;
  const wall = { year: +y!, month: +mo!, day: +d!, hour: +h, minute: +mi, second: +s };
  if (wall.month < 1 || wall.month > 12 || wall.day < 1 || wall.day > 31 || wall.hour > 23 || wall.minute > 59 || wall.second > 59) {
    return undefined;
  }
  if (!offset) return instantOfWall(wall, iana);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  if (offset.toUpperCase() === 'Z') return asUtc;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return asUtc - (offset.startsWith('-') ? -1 : 1) * minutes * 60_000;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A client's date-time as Graph stores it: the wall time as written, seven fractional digits (so an all-day
 * midnight stays midnight even on a day whose midnight a DST change skips); one with an offset becomes the wall
 * time of that instant in `iana`. Undefined when unreadable.
 */
export function normalizeGraphDateTime(dateTime: string, iana: string): string | undefined {
  const ms = instantOfGraphDateTime(dateTime, iana);
  if (ms === undefined) return undefined;
  const m = WALL.exec(dateTime.trim())!;
  if (m[7]) return graphDateTimeOf(ms, iana);
  const [, y, mo, d, h = '00', mi = '00', s = '00'] = m;
  const fraction = /\.(\d{1,7})/.exec(dateTime)?.[1] ?? '';
  return `${y}-${mo}-${d}T${h}:${mi}:${s}.${fraction.padEnd(7, '0')}`;
}

/** An instant as Graph writes it: the wall clock of `iana` with seven fractional digits and no offset. */
export function graphDateTimeOf(ms: number, iana: string): string {
  const w = wallClockAt(ms, iana);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}.0000000`;
}

/** The calendar date of an instant in `iana` (yyyy-mm-dd). */
export function dateIn(ms: number, iana: string): string {
  return graphDateTimeOf(ms, iana).slice(0, 10);
}

/** An instant as Graph writes Edm.DateTimeOffset values such as `originalStart`: `2024-05-01T07:00:00Z`. */
export function utcTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
