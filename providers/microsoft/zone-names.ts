// Zone names Graph writes that no zone table knows: Windows display names ("(UTC+05:30) Chennai, Kolkata,
// Mumbai, New Delhi"), bare offsets ("UTC+05:30", "GMT-03:00") and `tzone://Microsoft/Custom` (a legacy
// custom zone set in desktop Outlook; Graph does not expose its rules). The first two carry their offset and
// resolve to a fixed-offset IANA zone; the custom marker resolves to nothing here, and the event's other
// clues are tried (normalize.ts). Nothing is ever read as UTC just because its name is unknown.

/** Fixed-offset IANA zones for offsets that are not whole hours (Etc/GMT±h covers whole hours only). */
const FRACTIONAL: Record<number, string> = {
  [5 * 60 + 30]: 'Asia/Kolkata',
  [5 * 60 + 45]: 'Asia/Kathmandu',
  [4 * 60 + 30]: 'Asia/Kabul',
  [3 * 60 + 30]: 'Asia/Tehran',
  [6 * 60 + 30]: 'Asia/Yangon',
  [9 * 60 + 30]: 'Australia/Darwin',
  [8 * 60 + 45]: 'Australia/Eucla',
  [-(9 * 60 + 30)]: 'Pacific/Marquesas',
};

export const CUSTOM_ZONE = 'tzone://microsoft/custom';

/** Minutes east of UTC named in a display name or bare offset, or undefined when there is none. */
export function offsetInZoneName(name: string): number | undefined {
  const m = /^\s*\(?\s*(?:UTC|GMT)\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?\s*\)?/i.exec(name);
  if (!m) return undefined;
  if (!m[1]) return /^\s*\(?\s*(?:UTC|GMT)\s*\)?/i.test(name) ? 0 : undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (minutes > 14 * 60) return undefined;
  return m[1] === '-' ? -minutes : minutes;
}

/** A zone that keeps this fixed offset all year, or undefined when none is known. */
export function fixedOffsetZone(minutesEast: number): string | undefined {
  if (minutesEast === 0) return 'UTC';
  if (minutesEast % 60 === 0) {
    const hours = minutesEast / 60;
    // POSIX-style Etc names have the sign inverted: Etc/GMT-5 is five hours EAST of UTC.
    return hours >= -12 && hours <= 14 ? `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}` : undefined;
  }
  return FRACTIONAL[minutesEast];
}

/** A zone for a name that carries its offset ("(UTC+05:30) ...", "UTC-3"), or undefined. */
export function zoneFromOffsetName(name: string | null | undefined): string | undefined {
  if (!name || name.trim().toLowerCase() === CUSTOM_ZONE) return undefined;
  const minutes = offsetInZoneName(name);
  return minutes === undefined ? undefined : fixedOffsetZone(minutes);
}
