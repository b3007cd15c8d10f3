// Calendar-side load during the chaos: events created, retitled and deleted at the fake on random accounts,
// as the account's owner would in Google Calendar. Created events start days ahead (no reminder falls inside
// the run); the meetings the driver schedules are left alone (their reminders are checked).
import type { FakeProviderControl } from '../../fakes/types';
import { sleep } from '../lib/measure';
import type { Random } from './random';

export const MEETING_TITLE_PREFIX = 'Chaos meeting ';

export interface ProviderChangeCounts {
  created: number;
  updated: number;
  deleted: number;
  /** Changes that found nothing to change (an account without events of its own left). */
  skipped: number;
}

const DAY = 86_400_000;

export async function makeProviderChanges(
  fake: FakeProviderControl,
  emails: string[],
  options: { perSecond: number; running: () => boolean; random: Random },
): Promise<ProviderChangeCounts> {
  const counts: ProviderChangeCounts = { created: 0, updated: 0, deleted: 0, skipped: 0 };
  const { random } = options;
  for (let i = 0; options.running(); i++) {
    const email = random.pick(emails);
    const roll = random.next();
    const own = () =>
      fake.listEvents(email).filter((event) => event.status !== 'cancelled' && !event.title?.startsWith(MEETING_TITLE_PREFIX));
    if (roll < 0.5) {
      // Whole seconds: calendars keep no more.
      const start = Math.floor((Date.now() + random.int(2, 30) * DAY + random.int(0, 23) * 3_600_000) / 1000) * 1000;
      fake.seedEvent(email, {
        title: `Chaos change ${i}`,
        start: { kind: 'dateTime', dateTime: new Date(start).toISOString(), timeZone: 'UTC' },
        end: { kind: 'dateTime', dateTime: new Date(start + 1_800_000).toISOString(), timeZone: 'UTC' },
      });
      counts.created += 1;
    } else {
      const events = own();
      if (events.length === 0) counts.skipped += 1;
      else if (roll < 0.8) {
        fake.updateEventAsProvider(email, random.pick(events).id, { title: `Chaos retitled ${i}` });
        counts.updated += 1;
      } else {
        fake.deleteEventAsProvider(email, random.pick(events).id);
        counts.deleted += 1;
      }
    }
    await sleep(1000 / options.perSecond);
  }
  return counts;
}
