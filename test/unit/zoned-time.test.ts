// The zone offsets the recurrence expansion and free/busy rely on: the hourly cache answers exactly what Intl
// answers for the instant itself, across DST transitions, half- and quarter-hour zones, 30-minute DST
// shifts and historical local mean time (offsets with seconds). And wall times read as instants by RFC 5545's
// rules, against a brute-force search over Intl.
import fc from 'fast-check';
import { dateStartInZone, offsetMinutes, wallAsUtcMs, wallTimeOf, zonedWallToUtc, type WallTime } from '../../domain/time/zoned-time';

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Europe/Amsterdam',
  'America/Sao_Paulo',
  'Africa/Casablanca',
];

const intlOffset = (ms: number, zone: string) => Math.round((wallAsUtcMs(wallTimeOf(ms, zone)) - Math.floor(ms / 1000) * 1000) / 60_000);

describe('zone offsets', () => {
  it('equal the offset Intl gives for the very instant, 1900 to 2100', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), (zone, ms) => {
        expect(offsetMinutes(ms, zone)).toBe(intlOffset(ms, zone));
      }),
      { numRuns: 5000 },
    );
  });

  it('are exact minute by minute around transitions (Berlin spring and autumn 2026, Lord Howe 30-minute shift, St Johns mid-hour)', () => {
    const around = [
      ['Europe/Berlin', Date.UTC(2026, 2, 29, 1)],
      ['Europe/Berlin', Date.UTC(2026, 9, 25, 1)],
      ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 15)],
      ['America/St_Johns', Date.UTC(2026, 2, 8, 5, 30)],
    ] as const;
    for (const [zone, transition] of around) {
      for (let ms = transition - 2 * 3_600_000; ms <= transition + 2 * 3_600_000; ms += 60_000) {
        expect([zone, ms, offsetMinutes(ms, zone)]).toEqual([zone, ms, intlOffset(ms, zone)]);
      }
    }
  });
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (iso: string): WallTime => {
  const [date, time] = iso.split('T') as [string, string];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return { year, month, day, hour, minute, second: 0 };
};
const sameWall = (a: WallTime, b: WallTime) =>
  a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;

/**
 * RFC 5545 3.3.5 by search: the earliest instant at which Intl shows `wall` (every offset in use is a whole
 * quarter hour); for a skipped wall time, `wall` read with the offset of the last minute before the jump.
 */
function referenceInstant(wall: WallTime, zone: string): number {
  const asIfUtc = wallAsUtcMs(wall);
  for (let offset = 15 * HOUR; offset >= -13 * HOUR; offset -= 15 * MINUTE) {
    if (sameWall(wallTimeOf(asIfUtc - offset, zone), wall)) return asIfUtc - offset;
  }
  const offsetAt = (ms: number) => wallAsUtcMs(wallTimeOf(ms, zone)) - ms;
  let ms = asIfUtc - 15 * HOUR; // before the jump, whatever the offset
  while (wallAsUtcMs(wallTimeOf(ms + MINUTE, zone)) < asIfUtc) ms += MINUTE;
  return asIfUtc - offsetAt(ms);
}

describe('wall times as instants (RFC 5545 3.3.5)', () => {
  it('takes the first of a repeated wall time and reads a skipped one with the offset before the jump', () => {
    const cases: Array<[string, string, string]> = [
      ['Europe/Berlin', '2026-10-25T02:30', '2026-10-25T00:30:00.000Z'], // twice: CEST first
      ['Europe/Berlin', '2026-03-29T02:30', '2026-03-29T01:30:00.000Z'], // skipped: 03:30 CEST
      ['America/New_York', '2026-11-01T01:30', '2026-11-01T05:30:00.000Z'], // twice: EDT first
      ['America/New_York', '2026-03-08T02:30', '2026-03-08T07:30:00.000Z'], // skipped: 03:30 EDT
      ['Australia/Lord_Howe', '2026-04-05T01:45', '2026-04-04T14:45:00.000Z'], // twice, a 30-minute shift: +11 first
      ['Europe/Berlin', '2026-07-01T09:00', '2026-07-01T07:00:00.000Z'],
    ];
    for (const [zone, wall, instant] of cases) {
      expect([zone, wall, new Date(zonedWallToUtc(at(wall), zone)).toISOString()]).toEqual([zone, wall, instant]);
    }
    // A day that starts at 01:00 (Chile turns its clocks from 24:00 to 01:00).
    expect(new Date(dateStartInZone('2026-09-06', 'America/Santiago')).toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('agree with the search every quarter hour of the nights clocks change, in many zones', () => {
    const days = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-09-06', '2026-09-27', '2026-10-04', '2026-10-25', '2026-11-01'];
    for (const zone of [...ZONES, 'America/Santiago']) {
      for (const day of days) {
        // Clocks change between midnight and 04:00 local in every zone here.
        for (let minutes = 0; minutes < 4 * 60; minutes += 15) {
          const wall = at(`${day}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`);
          expect([zone, wall, zonedWallToUtc(wall, zone)]).toEqual([zone, wall, referenceInstant(wall, zone)]);
        }
      }
    }
  });
});
