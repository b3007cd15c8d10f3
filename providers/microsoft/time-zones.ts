// Time zone helpers for Microsoft Graph, which writes Windows zone names ("Pacific Standard Time") in
// start/end.timeZone and originalStartTimeZone, and wall-clock date-times without an offset
// ("2024-05-01T09:00:00.0000000"). Shared by the adapter and the Graph fake.
import { findIana, findWindows } from 'windows-iana';

import { isValidTimeZone, offsetMinutes, wallTimeOf as wallPartsOf, type WallTime as WallParts } from '../../domain/time/zoned-time';

export const isIanaZone = isValidTimeZone;

// windows-iana scans its table on every lookup; event lists repeat a handful of names.
const ianaByName = new Map<string, string | undefined>();

/** IANA name for a Windows (or already IANA) zone name; undefined when unknown. */
export function windowsToIana(zone: string | null | undefined): string | undefined {
  if (!zone) return undefined;
  if (ianaByName.has(zone)) return ianaByName.get(zone);
  const iana = lookupIana(zone.trim());
  ianaByName.set(zone, iana);
  return iana;
}

// Windows names whose zone moved since windows-iana's table: Chihuahua left Mountain time in 2022 (Windows'
// zone is Mazatlan's UTC-7), Almaty left UTC+6 in 2024 (Windows' zone is Bishkek's). Current CLDR maps these.
const MOVED: Record<string, string> = {
  'mountain standard time (mexico)': 'America/Mazatlan',
  'central asia standard time': 'Asia/Bishkek',
};

function lookupIana(trimmed: string): string | undefined {
  // Graph writes UTC as "UTC" and, for some clients, "tzone://Microsoft/Utc".
  if (/^(utc|tzone:\/\/microsoft\/utc|coordinated universal time)$/i.test(trimmed)) return 'UTC';
  const fromWindows = MOVED[trimmed.toLowerCase()] ?? findIana(trimmed)?.[0];
  if (fromWindows) return fromWindows;
  // Graph accepts IANA names as well, and some events carry them.
  return isIanaZone(trimmed) ? trimmed : undefined;
}

/**
 * Windows name for an IANA zone (what Outlook itself writes), or undefined when there is none, or when the
 * Windows zone keeps other time than the IANA one (America/Chihuahua is no longer "Mountain Standard Time
 * (Mexico)"): a wall time written with that name would land at another instant. Graph accepts IANA names too.
 */
export function ianaToWindows(zone: string): string | undefined {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 'UTC';
  const name = findWindows(zone)?.[0];
  const windowsZone = name ? windowsToIana(name) : undefined;
  return windowsZone && sameOffsets(zone, windowsZone) ? name : undefined;
}

/** True when two zones keep the same time this year, summer and winter. */
function sameOffsets(a: string, b: string): boolean {
  const year = new Date().getUTCFullYear();
  return [Date.UTC(year, 0, 15), Date.UTC(year, 6, 15)].every((ms) => offsetMinutes(ms, a) === offsetMinutes(ms, b));
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A Graph date-time (wall clock in `ianaZone`, or with an explicit offset / Z, which then wins) as epoch ms.
 * Throws on an unreadable value.
 */
export function wallTimeToEpoch(value: string, ianaZone: string): number {
  const m = WALL.exec(value.trim());
  if (!m) throw new RangeError('unreadable date-time');
  const [, y, mo, d, h = '0', mi = '0', s = '0', offset] = m;
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (offset) {
    if (offset === 'Z') return asUtc;
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    return asUtc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  if (ianaZone === 'UTC') return asUtc;
  // Two passes settle the offset, including around DST changes (a skipped wall time moves forward).
  let guess = asUtc - zoneOffsetMs(asUtc, ianaZone);
  guess = asUtc - zoneOffsetMs(guess, ianaZone);
  return guess;
}

function zoneOffsetMs(ms: number, zone: string): number {
  const p = wallPartsOf(ms, zone);
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wallAsUtc - Math.floor(ms / 1000) * 1000;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Epoch ms as Graph writes it: wall clock in `ianaZone` with seven fractional digits and no offset. */
export function epochToWallTime(ms: number, ianaZone: string): string {
  const p = ianaZone === 'UTC' ? utcParts(ms) : wallPartsOf(ms, ianaZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}.0000000`;
}

function utcParts(ms: number): WallParts {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** The calendar date (yyyy-mm-dd) of an instant in a zone. */
export function epochToDate(ms: number, ianaZone: string): string {
  return epochToWallTime(ms, ianaZone).slice(0, 10);
}
