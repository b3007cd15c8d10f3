// Wall clocks of IANA zones for the fakes, on Intl alone. Written apart from the product's own zone code on
// purpose: the fakes witness the adapters' time mapping, and a mistake shared by both would cancel out.

export interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** True when Intl knows the IANA zone (`Europe/Berlin`, `UTC`). */
export function isKnownZone(zone: string): boolean {
  if (zone.trim() === '') return false;
  try {
    formatterOf(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `zone` at the instant `ms` (seconds precision). */
export function wallClockAt(ms: number, zone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatterOf(zone).formatToParts(new Date(ms))) parts[part.type] = part.value;
  const year = Number(parts.year);
  return {
    year: parts.era === 'BC' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The wall clock read as if it were UTC (ms): the plain calendar arithmetic value of a wall time. */
export function wallAsUtc(wall: WallClock): number {
  const ms = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  // Date.UTC maps years 0-99 to 1900-1999.
  return wall.year >= 0 && wall.year < 100 ? new Date(ms).setUTCFullYear(wall.year) : ms;
}

/** How far `zone`'s clocks are ahead of UTC at the instant `ms`, in ms. */
export function zoneOffsetMs(ms: number, zone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallAsUtc(wallClockAt(whole, zone)) - whole;
}

/**
 * The instant at which `zone`'s clocks show `wall`, by RFC 5545's rules (3.3.5): a wall time that occurs
 * twice (clocks turned back) is its first instant; one that never occurs (clocks turned forward) is read with
 * the offset in force before the gap, so it lands just after the gap.
 */
export function instantOfWall(wall: WallClock, zone: string): number {
  const local = wallAsUtc(wall);
  // Any offset that can apply to this wall time is in force somewhere within a day of it.
  const offsetBefore = zoneOffsetMs(local - DAY_MS, zone);
  const offsetAfter = zoneOffsetMs(local + DAY_MS, zone);
  const candidates = [local - offsetBefore, local - offsetAfter]
    .filter((ms) => zoneOffsetMs(ms, zone) === local - ms)
    .sort((a, b) => a - b);
  return candidates[0] ?? local - offsetBefore;
}
