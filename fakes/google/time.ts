// Time formatting for the Google fake: Google writes `dateTime` with the UTC offset of the event's zone, and
// recurring series repeat in wall-clock time of that zone (the fakes' own zone arithmetic, fakes/time).

import { parseDate } from '../time/calendar-dates';
import { instantOfWall, wallClockAt, zoneOffsetMs } from '../time/zone-clock';

export { isDateString } from '../time/calendar-dates';
export { isKnownZone as isValidTimeZone } from '../time/zone-clock';

function pad(value: number, width = 2): string {
  return String(Math.abs(value)).padStart(width, '0');
}

/** RFC 3339 with the zone's offset, as Google writes `dateTime` (e.g. `2024-03-01T10:00:00+01:00`). */
export function formatInZone(ms: number, timeZone: string): string {
  const wall = wallClockAt(ms, timeZone);
  const offset = Math.round(zoneOffsetMs(ms, timeZone) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const suffix = offset === 0 ? 'Z' : `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}${suffix}`;
}

/** `yyyy-mm-dd` -> the instant its day starts in `timeZone`. */
export function dateStartInZone(date: string, timeZone: string): number {
  return instantOfWall({ ...parseDate(date), hour: 0, minute: 0, second: 0 }, timeZone);
}

/** Google's compact instance-id suffix: `20240301T090000Z` (timed, UTC) or `20240301` (all-day). */
export function compactInstanceTime(time: { dateTime?: string; date?: string }): string {
  if (time.date) return time.date.replace(/-/g, '');
  const iso = new Date(time.dateTime ?? 0).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}
