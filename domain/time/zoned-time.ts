// Time-zone arithmetic on Intl only (no zone database of our own): the wall clock of an instant in an IANA
// zone, and the instant a wall clock shows. Shared by the adapters, the fakes and the iCal renderer. Pure.

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when Intl knows the zone (e.g. `Europe/Berlin`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock time in `timeZone` of the instant `ms`. */
export function wallTimeOf(ms: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

export function wallAsUtcMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

function exactOffsetMinutes(ms: number, timeZone: string): number {
  const wall = wallTimeOf(ms, timeZone);
  return Math.round((wallAsUtcMs(wall) - Math.floor(ms / 1000) * 1000) / 60_000);
}

// Offsets asked of Intl at whole hours, per zone. Intl's formatToParts is slow (most of a free/busy answer's
// series expansion went there), and a zone's offset changes only at its transitions, never twice within an
// hour: when both ends of an hour have the same offset, it holds for the whole hour.
const HOUR_MS = 3_600_000;
const MAX_CACHED_HOURS = 200_000;
const hourlyOffsets = new Map<string, Map<number, number>>();
let cachedHours = 0;

function offsetAtHour(hourMs: number, timeZone: string): number {
  const cached = hourlyOffsets.get(timeZone)?.get(hourMs);
  if (cached !== undefined) return cached;
  if (cachedHours >= MAX_CACHED_HOURS) {
    hourlyOffsets.clear(); // bounded memory: a long-running process starts over rather than growing
    cachedHours = 0;
  }
  let zone = hourlyOffsets.get(timeZone);
  if (!zone) hourlyOffsets.set(timeZone, (zone = new Map()));
  const offset = exactOffsetMinutes(hourMs, timeZone);
  zone.set(hourMs, offset);
  cachedHours++;
  return offset;
}

/** Offset of `timeZone` from UTC at instant `ms`, in minutes. */
export function offsetMinutes(ms: number, timeZone: string): number {
  const hour = Math.floor(ms / HOUR_MS) * HOUR_MS;
  const atStart = offsetAtHour(hour, timeZone);
  if (atStart === offsetAtHour(hour + HOUR_MS, timeZone)) return atStart;
  return exactOffsetMinutes(ms, timeZone); // a transition within this hour
}

/** The instant at which the wall clock of `timeZone` shows `wall` (the earlier one in a DST overlap). */
export function zonedWallToUtc(wall: WallTime, timeZone: string): number {
  const guess = wallAsUtcMs(wall);
  const first = guess - offsetMinutes(guess, timeZone) * 60_000;
  const second = guess - offsetMinutes(first, timeZone) * 60_000;
  return Math.min(first, second);
}

/** `yyyy-mm-dd` -> midnight of that day in `timeZone`. */
export function dateStartInZone(date: string, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return zonedWallToUtc({ year: year ?? 1970, month: month ?? 1, day: day ?? 1, hour: 0, minute: 0, second: 0 }, timeZone);
}

export function isDateString(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
