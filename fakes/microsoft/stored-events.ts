// Building and changing stored events: a new event's full Graph JSON, a client's write applied to it (with the
// rules Exchange applies: new changeKey and etag, originalStart/EndTimeZone follow start/end), the instants
// derived from the JSON, and the checks Graph makes before it stores anything.
import type { Account, StoredEvent } from './model';
import { locationOf, NO_RESPONSE_TIME, type GraphEvent } from './event-resource';
import type { EventWrite } from './event-writes';
import { badRequest } from './graph-errors';
import { instantOfGraphDateTime, requireZone } from './graph-time';
import { newChangeKey, newEventId, newICalUid } from './ids';
import { webLinkOf } from './occurrences';

/** Graph's timestamps: seven fractional digits, UTC. */
export const graphNow = () => new Date().toISOString().replace('Z', '0000Z');

/** The instants of an event's start and end, from its JSON. */
export function stored(json: GraphEvent, calendarId: string): StoredEvent {
  const instant = (t: GraphEvent['start']) => instantOfGraphDateTime(t.dateTime, requireZone(t.timeZone)) ?? NaN;
  return { json, calendarId, startMs: instant(json.start), endMs: instant(json.end) };
}

export function newEventJson(account: Account, write: EventWrite): GraphEvent {
  if (!write.start || !write.end) throw badRequest("Your request can't be completed. The event must have a start and an end.");
  const now = graphNow();
  const id = newEventId();
  const changeKey = newChangeKey();
  const organizer = { name: account.displayName, address: account.email };
  const json: GraphEvent = {
    '@odata.etag': `W/"${changeKey}"`,
    id,
    createdDateTime: now,
    lastModifiedDateTime: now,
    changeKey,
    categories: [],
    transactionId: write.transactionId ?? null,
    originalStartTimeZone: write.start.timeZone,
    originalEndTimeZone: write.end.timeZone,
    iCalUId: newICalUid(),
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    subject: '',
    bodyPreview: '',
    importance: 'normal',
    sensitivity: 'normal',
    isAllDay: false,
    isCancelled: false,
    isOrganizer: true,
    responseRequested: true,
    seriesMasterId: null,
    showAs: 'busy',
    type: 'singleInstance',
    webLink: webLinkOf(id),
    onlineMeetingUrl: null,
    isOnlineMeeting: false,
    onlineMeetingProvider: 'unknown',
    allowNewTimeProposals: true,
    isDraft: false,
    hideAttendees: false,
    responseStatus: { response: 'organizer', time: NO_RESPONSE_TIME },
    body: { contentType: 'text', content: '' },
    start: write.start,
    end: write.end,
    ...locationOf(''),
    recurrence: null,
    attendees: [],
    organizer: { emailAddress: organizer },
    onlineMeeting: null,
  };
  applyWrite(json, write);
  json.lastModifiedDateTime = now;
  return json;
}

/** Applies the fields a write mentions; a new changeKey (and etag) marks every change. */
export function applyWrite(json: GraphEvent, write: EventWrite): void {
  if (write.subject !== undefined) json.subject = write.subject;
  if (write.body !== undefined) {
    json.body = write.body;
    json.bodyPreview = write.body.content.slice(0, 255);
  }
  if (write.location !== undefined) Object.assign(json, locationOf(write.location));
  if (write.start) {
    json.start = write.start;
    json.originalStartTimeZone = write.start.timeZone;
  }
  if (write.end) {
    json.end = write.end;
    json.originalEndTimeZone = write.end.timeZone;
  }
  if (write.isAllDay !== undefined) json.isAllDay = write.isAllDay;
  if (write.showAs !== undefined) json.showAs = write.showAs;
  if (write.sensitivity !== undefined) json.sensitivity = write.sensitivity;
  if (write.attendees !== undefined) json.attendees = write.attendees;
  if (write.recurrence !== undefined) {
    json.recurrence = write.recurrence && {
      pattern: write.recurrence.pattern,
      range: { ...write.recurrence.range, recurrenceTimeZone: write.recurrence.range.recurrenceTimeZone || json.start.timeZone },
    };
  }
  const changeKey = newChangeKey();
  json.changeKey = changeKey;
  json['@odata.etag'] = `W/"${changeKey}"`;
  json.lastModifiedDateTime = graphNow();
}

/** What Graph refuses to store. */
export function validate(event: StoredEvent): void {
  if (event.endMs < event.startMs) throw badRequest('The end time must be after the start time.', 'ErrorInvalidRequest');
  if (event.json.isAllDay) {
    const midnight = (t: GraphEvent['start']) => /T00:00:00(\.0+)?$/.test(t.dateTime);
    if (!midnight(event.json.start) || !midnight(event.json.end) || event.endMs <= event.startMs) {
      throw badRequest(
        'Start and End dates of an all-day event must be at midnight and span at least one day.',
        'ErrorPropertyValidationFailure',
      );
    }
  }
}
