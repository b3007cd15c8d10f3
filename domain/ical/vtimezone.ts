// VTIMEZONE components for the zones a feed uses, from timezones-ical-library (the IANA database compiled
// to iCalendar rules). ical-generator calls this once per distinct TZID in the calendar.
import { tzlib_get_ical_block } from 'timezones-ical-library';

const cache = new Map<string, string | null>();

export function vtimezoneFor(zone: string): string | null {
  if (cache.has(zone)) return cache.get(zone)!;
  let block: string | null;
  try {
    const result = tzlib_get_ical_block(zone);
    // An unknown zone comes back as an error message string instead of [block, tzidLine].
    block = Array.isArray(result) && typeof result[0] === 'string' && result[0].startsWith('BEGIN:VTIMEZONE') ? result[0] : null;
  } catch {
    block = null;
  }
  cache.set(zone, block);
  return block;
}
