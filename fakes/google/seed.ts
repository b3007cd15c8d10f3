// Conversions between the provider-neutral seeds tests use and Google event resources.

import type { FakeEventSeed, SeedTime } from '../types';
import { newEventId, type GoogleEventResource, type GoogleTime } from './resource';
import { compactInstanceTime, formatInZone } from './time';

export function toGoogleTime(time: SeedTime): GoogleTime {
  if (time.kind === 'date') return { date: time.date };
  return { dateTime: formatInZone(Date.parse(time.dateTime), time.timeZone), timeZone: time.timeZone };
}

export function fromGoogleTime(time: GoogleTime, fallbackZone: string): SeedTime {
  if (time.date) return { kind: 'date', date: time.date };
  return { kind: 'dateTime', dateTime: new Date(time.dateTime ?? 0).toISOString(), timeZone: time.timeZone ?? fallbackZone };
}

export function baseResource(input: {
  id: string;
  owner: string;
  calendarId: string;
  now: string;
}): Omit<GoogleEventResource, 'start' | 'end'> {
  return {
    id: input.id,
    status: 'confirmed',
    htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${input.id} ${input.calendarId}`).toString('base64url')}`,
    created: input.now,
    updated: input.now,
    creator: { email: input.owner, self: true },
    organizer: { email: input.owner, self: true },
    iCalUID: `${input.id}@google.com`,
    sequence: 0,
    reminders: { useDefault: true },
    eventType: 'default',
  };
}

/** Applies the seed fields that are present onto a resource (used for seeding and provider-side edits). */
export function applySeedFields(resource: GoogleEventResource, seed: Partial<FakeEventSeed>): void {
  if (seed.title !== undefined) resource.summary = seed.title;
  if (seed.description !== undefined) resource.description = seed.description;
  if (seed.location !== undefined) resource.location = seed.location;
  if (seed.start !== undefined) resource.start = toGoogleTime(seed.start);
  if (seed.end !== undefined) resource.end = toGoogleTime(seed.end);
  if (seed.recurrence !== undefined) resource.recurrence = [...seed.recurrence];
  if (seed.status !== undefined) resource.status = seed.status;
  if (seed.private !== undefined) resource.visibility = seed.private ? 'private' : 'default';
  if (seed.free !== undefined) resource.transparency = seed.free ? 'transparent' : 'opaque';
  if (seed.organizer !== undefined) {
    // An invitation: someone else organizes it, the account is one of the attendees.
    resource.organizer = {
      email: seed.organizer.email.toLowerCase(),
      ...(seed.organizer.name ? { displayName: seed.organizer.name } : {}),
    };
    resource.creator = { email: seed.organizer.email.toLowerCase() };
  }
  if (seed.eventType !== undefined) {
    resource.eventType = seed.eventType;
    // Birthdays and working locations do not block time; the other types do (Google's defaults).
    if (seed.eventType === 'birthday' || seed.eventType === 'workingLocation') resource.transparency = 'transparent';
    if (seed.eventType === 'birthday') resource.visibility = 'private';
  }
  if (seed.attendees !== undefined) {
    resource.attendees = seed.attendees.map((attendee) => ({
      email: attendee.email,
      ...(attendee.name ? { displayName: attendee.name } : {}),
      ...(attendee.optional ? { optional: true } : {}),
      responseStatus: attendee.response,
    }));
  }
}

/** A seed as Google resources: the event (or series master) followed by its exceptions. */
export function seedToResources(seed: FakeEventSeed, owner: string, calendarId: string, now: string): GoogleEventResource[] {
  const id = seed.id ?? newEventId();
  const master = {
    ...baseResource({ id, owner, calendarId, now }),
    start: toGoogleTime(seed.start),
    end: toGoogleTime(seed.end),
  } as GoogleEventResource;
  applySeedFields(master, { ...seed, exceptions: undefined });
  const resources = [master];
  const durationMs = timeMs(master.end) - timeMs(master.start);
  for (const exception of seed.exceptions ?? []) {
    const originalStartTime = toGoogleTime(exception.originalStart);
    const instance: GoogleEventResource = {
      ...structuredClone(master),
      id: `${id}_${compactInstanceTime(originalStartTime)}`,
      recurringEventId: id,
      originalStartTime,
      start: originalStartTime,
      end:
        exception.originalStart.kind === 'date'
          ? { date: new Date(Date.parse(`${exception.originalStart.date}T00:00:00Z`) + durationMs).toISOString().slice(0, 10) }
          : {
              dateTime: formatInZone(Date.parse(exception.originalStart.dateTime) + durationMs, exception.originalStart.timeZone),
              timeZone: exception.originalStart.timeZone,
            },
      iCalUID: master.iCalUID,
    };
    delete instance.recurrence;
    if (exception.cancelled) instance.status = 'cancelled';
    if (exception.patch) applySeedFields(instance, exception.patch);
    resources.push(instance);
  }
  return resources;
}

/** Instant of a Google start/end (all-day: midnight UTC of the date, enough for durations). */
export function timeMs(time: GoogleTime): number {
  if (time.date) return Date.parse(`${time.date}T00:00:00Z`);
  return Date.parse(time.dateTime ?? '');
}
