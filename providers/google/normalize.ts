// Google event resources <-> provider-neutral events. With singleEvents=false Google lists series masters
// (with `recurrence`) and exceptions (with `recurringEventId` + `originalStartTime`), never plain occurrences.

import type { Attendee, EventChange, EventInput, EventPatch, EventTime, ProviderEvent } from '../../domain/events';
import { malformed } from './errors';
import type { GoogleEvent } from './schemas';

type GoogleTime = NonNullable<GoogleEvent['start']>;

export function toEventTime(time: GoogleTime | undefined, fallbackZone: string): EventTime {
  if (time?.date) return { kind: 'date', date: time.date };
  const ms = time?.dateTime ? Date.parse(time.dateTime) : NaN;
  if (Number.isNaN(ms)) throw malformed('event time');
  return { kind: 'dateTime', dateTime: new Date(ms).toISOString(), timeZone: time?.timeZone ?? fallbackZone };
}

function toAttendees(event: GoogleEvent): Attendee[] {
  return (event.attendees ?? []).flatMap((attendee) =>
    attendee.email
      ? [
          {
            email: attendee.email,
            ...(attendee.displayName ? { name: attendee.displayName } : {}),
            response: attendee.responseStatus ?? 'needsAction',
            ...(attendee.optional ? { optional: true } : {}),
          },
        ]
      : [],
  );
}

export function toProviderEvent(event: GoogleEvent, calendarId: string, fallbackZone: string): ProviderEvent {
  if (!event.etag || !event.start || !event.end) throw malformed('event');
  const kind = event.recurringEventId ? 'exception' : event.recurrence && event.recurrence.length > 0 ? 'seriesMaster' : 'single';
  return {
    externalId: event.id,
    calendarId,
    ...(event.iCalUID ? { iCalUid: event.iCalUID } : {}),
    version: event.etag,
    status: event.status ?? 'confirmed',
    ...(event.summary !== undefined ? { title: event.summary } : {}),
    ...(event.description !== undefined ? { description: event.description } : {}),
    ...(event.location !== undefined ? { location: event.location } : {}),
    start: toEventTime(event.start, fallbackZone),
    end: toEventTime(event.end, fallbackZone),
    kind,
    ...(kind === 'seriesMaster' ? { recurrence: event.recurrence } : {}),
    ...(event.recurringEventId ? { seriesMasterId: event.recurringEventId } : {}),
    ...(event.originalStartTime ? { originalStart: toEventTime(event.originalStartTime, fallbackZone) } : {}),
    ...(event.organizer?.email
      ? { organizer: { email: event.organizer.email, ...(event.organizer.displayName ? { name: event.organizer.displayName } : {}) } }
      : {}),
    attendees: toAttendees(event),
    updatedAt: event.updated ?? new Date(0).toISOString(),
    ...(event.visibility === 'private' || event.visibility === 'confidential' ? { isPrivate: true } : {}),
    ...(event.transparency === 'transparent' ? { showAs: 'free' as const } : {}),
    ...(event.eventType && event.eventType !== 'default' ? { eventType: event.eventType } : {}),
  };
}

/** A listed item as a change: cancelled items (only identity guaranteed) are deletions. */
export function toChange(event: GoogleEvent, calendarId: string, fallbackZone: string): EventChange {
  if (event.status === 'cancelled') {
    return {
      type: 'delete',
      externalId: event.id,
      ...(event.recurringEventId ? { seriesMasterId: event.recurringEventId } : {}),
      ...(event.originalStartTime ? { originalStart: toEventTime(event.originalStartTime, fallbackZone) } : {}),
      reason: 'deleted',
    };
  }
  return { type: 'upsert', event: toProviderEvent(event, calendarId, fallbackZone) };
}

/** Google time object; the other representation is nulled so a PATCH can switch timed <-> all-day. */
function toGoogleTime(time: EventTime): Record<string, string | null> {
  if (time.kind === 'date') return { date: time.date, dateTime: null, timeZone: null };
  return { dateTime: time.dateTime, timeZone: time.timeZone, date: null };
}

function toGoogleAttendees(attendees: NonNullable<EventInput['attendees']>): Array<Record<string, unknown>> {
  return attendees.map((attendee) => ({
    email: attendee.email,
    ...(attendee.name ? { displayName: attendee.name } : {}),
    ...(attendee.optional ? { optional: true } : {}),
  }));
}

export function toGoogleBody(input: EventInput | EventPatch): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (input.title !== undefined) body.summary = input.title;
  if (input.description !== undefined) body.description = input.description;
  if (input.location !== undefined) body.location = input.location;
  if (input.start !== undefined) body.start = toGoogleTime(input.start);
  if (input.end !== undefined) body.end = toGoogleTime(input.end);
  if (input.recurrence !== undefined) body.recurrence = input.recurrence;
  if (input.attendees !== undefined) body.attendees = toGoogleAttendees(input.attendees);
  if ('status' in input && input.status !== undefined) body.status = input.status;
  return body;
}
