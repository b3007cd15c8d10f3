// The zone offsets the recurrence expansion and free/busy rely on: the hourly cache answers exactly what Intl
// answers for the instant itself, across DST transitions, half- and quarter-hour zones, 30-minute DST
// shifts and historical local mean time (offsets with seconds).
import fc from 'fast-check';
import { offsetMinutes, wallAsUtcMs, wallTimeOf } from '../../domain/time/zoned-time';

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
