// Provider-neutral seeds (fakes/types.ts) -> the writes Outlook would make. Seeded events look Outlook-made:
// zones are written with Windows names ("Pacific Standard Time") wherever the fake's table has one, and a
// series carries a patternedRecurrence (rrule-to-pattern.ts). All-day events are written in the mailbox's
// zone (UTC unless set with setMailboxTimeZone), as Outlook writes them.
import { isKnownZone } from '../time/zone-clock';
import type { FakeEventSeed, SeedAttendee, SeedTime } from '../types';
import type { Attendee, ResponseType } from './event-resource';
import { NO_RESPONSE_TIME } from './event-resource';
import type { EventWrite } from './event-writes';
import { graphDateTimeOf, type DateTimeTimeZone } from './graph-time';
import { rruleToPattern } from './rrule-to-pattern';
import { windowsNameForIana } from './windows-zones';

const RESPONSE: Record<SeedAttendee['response'], ResponseType> = {
  needsAction: 'none',
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'tentativelyAccepted',
};

export class SeedError extends Error {}

/**
 * A seed time as Outlook writes it, with the IANA zone it stands for. All-day dates are written in the
 * mailbox's zone (UTC unless the mailbox was given one), as Outlook writes them.
 */
export function seedTimeToGraph(time: SeedTime, mailboxZone = 'UTC'): DateTimeTimeZone & { iana: string } {
  if (time.kind === 'date') {
    return { dateTime: `${time.date}T00:00:00.0000000`, timeZone: windowsNameForIana(mailboxZone) ?? mailboxZone, iana: mailboxZone };
  }
  const iana = time.timeZone;
  if (!isKnownZone(iana)) throw new SeedError(`unknown time zone ${iana}`);
  const ms = Date.parse(time.dateTime);
  if (Number.isNaN(ms)) throw new SeedError('unreadable seed dateTime');
  return { dateTime: graphDateTimeOf(ms, iana), timeZone: windowsNameForIana(iana) ?? iana, iana };
}

function attendee(a: SeedAttendee): Attendee {
  return {
    type: a.optional ? 'optional' : 'required',
    status: { response: RESPONSE[a.response] ?? 'none', time: NO_RESPONSE_TIME },
    emailAddress: { name: a.name ?? a.email, address: a.email },
  };
}

export function seedToWrite(seed: Partial<FakeEventSeed>, mailboxZone = 'UTC'): EventWrite {
  const write: EventWrite = {};
  if (seed.title !== undefined) write.subject = seed.title;
  if (seed.description !== undefined) write.body = { contentType: 'text', content: seed.description };
  if (seed.location !== undefined) write.location = seed.location;
  const start = seed.start && seedTimeToGraph(seed.start, mailboxZone);
  if (start) write.start = { dateTime: start.dateTime, timeZone: start.timeZone };
  if (seed.end) {
    const end = seedTimeToGraph(seed.end, mailboxZone);
    write.end = { dateTime: end.dateTime, timeZone: end.timeZone };
  }
  if (seed.start) write.isAllDay = seed.start.kind === 'date';
  if (seed.status === 'tentative') write.showAs = 'tentative';
  if (seed.status === 'confirmed') write.showAs = 'busy';
  if (seed.free !== undefined) write.showAs = seed.free ? 'free' : 'busy';
  if (seed.private !== undefined) write.sensitivity = seed.private ? 'private' : 'normal';
  if (seed.attendees) write.attendees = seed.attendees.map(attendee);
  if (seed.recurrence && start) {
    // The wall time's date is the series' first date in its zone.
    write.recurrence = rruleToPattern(seed.recurrence, start.dateTime.slice(0, 10), start.iana, start.timeZone);
  }
  return write;
}
