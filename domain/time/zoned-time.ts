// Time-zone arithmetic on Intl only (no zone database of our own): the wall clock of an instant in an IANA
// zone, and the instant a wall clock shows. Shared by the adapters, series expansion and the iCal renderer (the
// fakes keep their own, fakes/time/zone-clock.ts). Pure.

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

const DAY_MS = 24 * HOUR_MS;

/**
 * The instant at which the wall clock of `timeZone` shows `wall`, read as RFC 5545 (3.3.5) reads local times
 * (and Google and Graph expand series): a wall time the clocks show twice (turned back) is the earlier instant;
 * one they skip (turned forward) is read with the offset in force before the skip, so 02:30 on a night that
 * jumps from 02:00 to 03:00 is 03:30.
 */
export function zonedWallToUtc(wall: WallTime, timeZone: string): number {
  const asIfUtc = wallAsUtcMs(wall);
  const offsetMsAt = (ms: number) => Math.round(offsetMinutes(ms, timeZone) * 60_000);
  // A zone changes its offset at most once within a day, so these are the offsets that can apply here.
  const before = offsetMsAt(asIfUtc - DAY_MS);
  const after = offsetMsAt(asIfUtc + DAY_MS);
  if (before === after) return asIfUtc - before;
  const readWith = (offset: number) => asIfUtc - offset;
  const showsWall = (offset: number) => offsetMsAt(readWith(offset)) === offset;
  const instants = [before, after].filter(showsWall).map(readWith);
  return instants.length > 0 ? Math.min(...instants) : readWith(before);
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
