// A realistic, deterministic calendar for the sandbox and for tests: recurring series with cancelled and
// moved occurrences, all-day and multi-day events, several IANA zones, attendees with responses.
// Provider-neutral (FakeEventSeed), so both fakes can be seeded with it.

import { instantOfWall } from './time/zone-clock';
import type { FakeEventSeed, SeedAttendee, SeedTime } from './types';

const DAY_MS = 86_400_000;
const ZONES = ['America/New_York', 'Europe/Berlin', 'Asia/Tokyo', 'America/Los_Angeles', 'Europe/London', 'UTC'];
const PEOPLE = ['ana', 'ben', 'chidi', 'dana', 'eli', 'fatima', 'goran', 'hana', 'ivan', 'jules'];
const TOPICS = [
  'Pipeline review',
  'Customer call',
  'Demo',
  'Contract negotiation',
  'Onboarding',
  'Quarterly planning',
  'Lunch',
  'Interview',
  'Design review',
  'Renewal check-in',
];
const RESPONSES: SeedAttendee['response'][] = ['accepted', 'accepted', 'tentative', 'declined', 'needsAction'];

/** mulberry32: a tiny seeded PRNG, enough for reproducible fixtures. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface SandboxCalendarOptions {
  now: Date;
  /** Number of seeds (a series counts once). Default 300. */
  count?: number;
  seed?: number;
}

export function generateSandboxCalendar(options: SandboxCalendarOptions): FakeEventSeed[] {
  const random = prng(options.seed ?? 1);
  const count = Math.max(0, options.count ?? 300);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const today = Math.floor(options.now.getTime() / DAY_MS) * DAY_MS;

  /** The instant at `hour:minute` wall time in `zone` on the UTC calendar day `dayOffset` from today. */
  const at = (dayOffset: number, hour: number, minute: number, zone: string): number => {
    const day = new Date(today + dayOffset * DAY_MS);
    return instantOfWall(
      { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour, minute, second: 0 },
      zone,
    );
  };
  const timed = (ms: number, zone: string): SeedTime => ({ kind: 'dateTime', dateTime: new Date(ms).toISOString(), timeZone: zone });
  const date = (dayOffset: number): SeedTime => ({ kind: 'date', date: new Date(today + dayOffset * DAY_MS).toISOString().slice(0, 10) });
  const attendees = (): SeedAttendee[] => {
    const chosen = new Set<string>();
    const n = int(0, 4);
    while (chosen.size < n) chosen.add(pick(PEOPLE));
    return [...chosen].map((name) => ({
      email: `${name}@sandbox.example.com`,
      name: name[0]!.toUpperCase() + name.slice(1),
      response: pick(RESPONSES),
    }));
  };

  const seeds: FakeEventSeed[] = [];

  // Recurring series first (a handful, whatever `count` is, as long as it allows).
  const series: Array<{ title: string; rule: string; zone: string; hour: number; minutes: number; stepDays: number }> = [
    { title: 'Daily stand-up', rule: 'RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', zone: 'Europe/Berlin', hour: 9, minutes: 15, stepDays: 7 },
    { title: '1:1 with manager', rule: 'RRULE:FREQ=WEEKLY;COUNT=40', zone: 'America/New_York', hour: 11, minutes: 30, stepDays: 7 },
    { title: 'Team sync', rule: 'RRULE:FREQ=WEEKLY;INTERVAL=2', zone: 'America/Los_Angeles', hour: 14, minutes: 60, stepDays: 14 },
    { title: 'Monthly business review', rule: 'RRULE:FREQ=MONTHLY;COUNT=12', zone: 'Europe/London', hour: 16, minutes: 90, stepDays: 0 },
    {
      title: 'APAC pipeline call',
      rule: 'RRULE:FREQ=WEEKLY;UNTIL=20991231T000000Z',
      zone: 'Asia/Tokyo',
      hour: 10,
      minutes: 45,
      stepDays: 7,
    },
  ];
  for (const s of series.slice(0, Math.min(series.length, Math.ceil(count / 20)))) {
    // Start on a weekday in the past so the series spans past and future.
    let startDay = -int(40, 80);
    while ([0, 6].includes(new Date(today + startDay * DAY_MS).getUTCDay())) startDay += 1;
    const first = at(startDay, s.hour, 0, s.zone);
    const seed: FakeEventSeed = {
      title: s.title,
      start: timed(first, s.zone),
      end: timed(first + s.minutes * 60_000, s.zone),
      recurrence: [s.rule],
      attendees: attendees(),
      exceptions: [],
    };
    if (s.stepDays > 0) {
      // One cancelled and one moved occurrence, both in the future (wall time stays put across DST).
      const weeksAhead = Math.ceil(-startDay / s.stepDays) + 1;
      const cancelled = at(startDay + weeksAhead * s.stepDays, s.hour, 0, s.zone);
      const movedOriginal = at(startDay + (weeksAhead + 1) * s.stepDays, s.hour, 0, s.zone);
      const moved = movedOriginal + 2 * 3_600_000;
      seed.exceptions = [
        { originalStart: timed(cancelled, s.zone), cancelled: true },
        {
          originalStart: timed(movedOriginal, s.zone),
          patch: { title: `${s.title} (moved)`, start: timed(moved, s.zone), end: timed(moved + s.minutes * 60_000, s.zone) },
        },
      ];
    }
    seeds.push(seed);
  }

  while (seeds.length < count) {
    const roll = random();
    const dayOffset = int(-90, 120);
    if (roll < 0.08) {
      seeds.push({ title: pick(['Company holiday', 'Conference', 'Out of office']), start: date(dayOffset), end: date(dayOffset + 1) });
    } else if (roll < 0.12) {
      const days = int(2, 5);
      seeds.push({
        title: pick(['Team offsite', 'Trade fair', 'Vacation']),
        location: pick(['Lisbon', 'Berlin', 'Austin']),
        start: date(dayOffset),
        end: date(dayOffset + days),
      });
    } else {
      const zone = pick(ZONES);
      const start = at(dayOffset, int(8, 17), pick([0, 15, 30, 45]), zone);
      const minutes = pick([15, 30, 30, 45, 60, 60, 90, 120]);
      seeds.push({
        title: `${pick(TOPICS)} #${seeds.length}`,
        ...(random() < 0.4 ? { location: pick(['Zoom', 'Room 4.01', 'Client office', 'Phone']) } : {}),
        ...(random() < 0.3 ? { description: 'Agenda: status, risks, next steps.' } : {}),
        start: timed(start, zone),
        end: timed(start + minutes * 60_000, zone),
        attendees: attendees(),
        ...(random() < 0.05 ? { status: 'tentative' as const } : {}),
      });
    }
  }
  return seeds;
}
