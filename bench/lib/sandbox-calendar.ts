// Seeds a sandbox account with a large calendar of single (non-recurring) events, so every way of reading it
// (adapter, raw pages, sync activity, workflow) counts the same items: a series would be one master for
// Google but many occurrences in a Graph calendarView.
import { generateSandboxCalendar } from '../../fakes/sandbox-calendar';
import type { FakeEventSeed, FakeProviderControl } from '../../fakes/types';

export function singleEventSeeds(count: number, seed = 42): FakeEventSeed[] {
  // The generator's series are dropped; ask for a few more so about `count` single events remain.
  const seeds = generateSandboxCalendar({ now: new Date(), count: Math.ceil(count * 1.05) + 10, seed }).filter((s) => !s.recurrence);
  return seeds.slice(0, count);
}

/** Creates the account if needed and seeds `count` single events; returns the primary calendar id. */
export function seedSingleEvents(
  fake: FakeProviderControl,
  email: string,
  count: number,
  seed = 42,
): { calendarId: string; seeded: number } {
  const calendarId = fake.ensureAccount(email);
  const seeds = singleEventSeeds(count, seed);
  fake.seedEvents(email, seeds);
  return { calendarId, seeded: seeds.length };
}
