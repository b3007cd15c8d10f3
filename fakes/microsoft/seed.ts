// Provider-neutral seeds (fakes/types.ts) -> stored-event writes. Seeded events look Outlook-made: their
// zones are written with Windows names ("Pacific Standard Time") wherever one exists.
import { rruleToRecurrence } from '../../providers/microsoft/recurrence';
import { epochToWallTime, ianaToWindows, wallTimeToEpoch, windowsToIana } from '../../providers/microsoft/time-zones';
import type { EventTime } from '../../domain/events';
import type { FakeEventSeed } from '../types';
import type { EventWrite } from './event-json';
import type { GraphResponse, StoredTime } from './model';

const RESPONSE: Record<string, GraphResponse> = {
  needsAction: 'none',
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'tentativelyAccepted',
};

export function storedTime(time: EventTime): StoredTime {
  if (time.kind === 'date') {
    const wall = `${time.date}T00:00:00.0000000`;
    return { wall, zone: 'UTC', iana: 'UTC', ms: wallTimeToEpoch(wall, 'UTC') };
  }
  const iana = windowsToIana(time.timeZone) ?? 'UTC';
  const ms = Date.parse(time.dateTime);
  if (Number.isNaN(ms)) throw new RangeError('unreadable seed dateTime');
  return { wall: epochToWallTime(ms, iana), zone: ianaToWindows(iana) ?? iana, iana, ms };
}

export function seedToWrite(seed: Partial<FakeEventSeed>): EventWrite {
  const write: EventWrite = {};
  if (seed.title !== undefined) write.subject = seed.title;
  if (seed.description !== undefined) write.body = seed.description;
  if (seed.location !== undefined) write.location = seed.location;
  if (seed.start) write.start = storedTime(seed.start);
  if (seed.end) write.end = storedTime(seed.end);
  if (seed.start) write.isAllDay = seed.start.kind === 'date';
  if (seed.status === 'tentative') write.showAs = 'tentative';
  if (seed.status === 'confirmed') write.showAs = 'busy';
  if (seed.attendees) {
    write.attendees = seed.attendees.map((a) => ({
      address: a.email,
      name: a.name,
      type: a.optional ? 'optional' : 'required',
      response: RESPONSE[a.response] ?? 'none',
    }));
  }
  if (seed.recurrence && write.start) {
    write.recurrence = rruleToRecurrence(seed.recurrence, write.start.wall.slice(0, 10), {
      timeZone: write.start.iana,
      allDay: write.isAllDay === true,
    });
    // Graph writes the series zone with the event's own zone name.
    write.recurrence.range.recurrenceTimeZone = write.start.zone;
  }
  return write;
}
