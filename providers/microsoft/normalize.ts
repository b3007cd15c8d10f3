// Graph event JSON <-> provider-neutral events. Graph writes wall-clock date-times with a zone name that
// may be a Windows name; ProviderEvent wants UTC instants plus the IANA zone the event was written in.
import { createHash } from 'node:crypto';
import { ProviderError } from '../errors';
import type { Attendee, AttendeeResponse, EventInput, EventKind, EventPatch, EventTime, ProviderEvent, ShowAs } from '../../domain/events';
import { RecurrenceMappingError, recurrenceToRrule, rruleToRecurrence, type PatternedRecurrence } from './recurrence';
import type { GraphEvent } from './schemas';
import { epochToDate, epochToWallTime, ianaToWindows, wallTimeToEpoch, windowsToIana } from './time-zones';
import { fixedOffsetZone, zoneFromOffsetName } from './zone-names';

const KIND: Record<string, EventKind> = {
  singleInstance: 'single',
  occurrence: 'occurrence',
  exception: 'exception',
  seriesMaster: 'seriesMaster',
};
const RESPONSE: Record<string, AttendeeResponse> = {
  accepted: 'accepted',
  organizer: 'accepted',
  declined: 'declined',
  tentativelyAccepted: 'tentative',
  none: 'needsAction',
  notResponded: 'needsAction',
};

function malformed(what: string): ProviderError {
  return new ProviderError('malformed_response', 'microsoft', `Microsoft Graph event has an unreadable ${what}`);
}

/** A zone name Graph wrote, if any table or the offset it carries resolves it (zone-names.ts). */
function knownZone(name: string | null | undefined): string | undefined {
  return windowsToIana(name) ?? zoneFromOffsetName(name);
}

/** A fixed-offset zone from a date-time Graph wrote with an explicit offset ("...+05:30"). */
function zoneOfOffsetDateTime(value: string): string | undefined {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return fixedOffsetZone(m[1] === '-' ? -minutes : minutes);
}

/**
 * The IANA zone the event was written in. originalStartTimeZone / originalEndTimeZone first (the start and
 * end themselves come in UTC). When that is a legacy custom zone (`tzone://Microsoft/Custom`) or a name no
 * table knows, the event's other clues: its series' recurrence zone, its other end's zone, an offset in the
 * date-time itself, the zone Graph answered in. UTC only when the event carries no clue at all.
 */
function eventZone(event: GraphEvent, which: 'start' | 'end'): string {
  const own = which === 'start' ? event.originalStartTimeZone : event.originalEndTimeZone;
  const other = which === 'start' ? event.originalEndTimeZone : event.originalStartTimeZone;
  const answered = event[which];
  return (
    knownZone(own) ??
    knownZone(event.recurrence?.range.recurrenceTimeZone) ??
    knownZone(other) ??
    zoneOfOffsetDateTime(answered.dateTime) ??
    knownZone(answered.timeZone) ??
    'UTC'
  );
}

function toEventTime(event: GraphEvent, which: 'start' | 'end'): EventTime {
  const value = event[which];
  // All-day events are midnight-to-midnight wall dates; the date part is the day, whatever the zone.
  if (event.isAllDay) return { kind: 'date', date: value.dateTime.slice(0, 10) };
  const writtenIn = knownZone(value.timeZone) ?? 'UTC';
  let ms: number;
  try {
    ms = wallTimeToEpoch(value.dateTime, writtenIn);
  } catch {
    throw malformed(which);
  }
  return { kind: 'dateTime', dateTime: new Date(ms).toISOString(), timeZone: eventZone(event, which) };
}

/**
 * An all-day occurrence's original date. Graph gives `originalStart` as midnight in the series' zone expressed
 * in UTC (east of UTC: the evening before), so the date is read in that zone, which Outlook writes as the
 * event's originalStartTimeZone; without a readable zone, the nearest UTC midnight.
 */
function allDayOriginalDate(ms: number, event: GraphEvent): string {
  const zone = knownZone(event.recurrence?.range.recurrenceTimeZone) ?? knownZone(event.originalStartTimeZone);
  return zone ? epochToDate(ms, zone) : epochToDate(Math.round(ms / 86_400_000) * 86_400_000, 'UTC');
}

const SHOW_AS: Record<string, ShowAs | undefined> = {
  free: 'free',
  tentative: 'tentative',
  busy: 'busy',
  oof: 'oof',
  workingElsewhere: 'workingElsewhere',
};

export function graphToProviderEvent(event: GraphEvent, calendarId: string): ProviderEvent {
  const kind = KIND[event.type ?? 'singleInstance'] ?? 'single';
  const start = toEventTime(event, 'start');
  const zone = start.kind === 'dateTime' ? start.timeZone : 'UTC';
  const out: ProviderEvent = {
    externalId: event.id,
    calendarId,
    // If-Match takes the @odata.etag (W/"<changeKey>"), not the bare changeKey.
    version: event['@odata.etag'] ?? (event.changeKey ? weakEtag(event.changeKey) : ''),
    status: event.isCancelled ? 'cancelled' : event.showAs === 'tentative' ? 'tentative' : 'confirmed',
    start,
    end: toEventTime(event, 'end'),
    kind,
    attendees: (event.attendees ?? []).flatMap((a): Attendee[] =>
      a.emailAddress.address
        ? [
            {
              email: a.emailAddress.address,
              ...(a.emailAddress.name && a.emailAddress.name !== a.emailAddress.address ? { name: a.emailAddress.name } : {}),
              response: RESPONSE[a.status?.response ?? 'none'] ?? 'needsAction',
              ...(a.type === 'optional' ? { optional: true } : {}),
            },
          ]
        : [],
    ),
    updatedAt: event.lastModifiedDateTime ? new Date(event.lastModifiedDateTime).toISOString() : new Date(0).toISOString(),
  };
  if (event.iCalUId) out.iCalUid = event.iCalUId;
  if (event.sensitivity === 'private' || event.sensitivity === 'confidential') out.isPrivate = true;
  const showAs = SHOW_AS[event.showAs ?? 'busy'];
  if (showAs && showAs !== 'busy') out.showAs = showAs;
  if (event.subject) out.title = event.subject;
  if (event.body?.content) out.description = event.body.content;
  if (event.location?.displayName) out.location = event.location.displayName;
  if (event.seriesMasterId) out.seriesMasterId = event.seriesMasterId;
  if (event.organizer?.emailAddress.address) {
    out.organizer = {
      email: event.organizer.emailAddress.address,
      ...(event.organizer.emailAddress.name ? { name: event.organizer.emailAddress.name } : {}),
    };
  }
  if (kind === 'seriesMaster' && event.recurrence) {
    const recurrenceZone = knownZone(event.recurrence.range.recurrenceTimeZone) ?? zone;
    try {
      out.recurrence = recurrenceToRrule(event.recurrence as PatternedRecurrence, {
        timeZone: recurrenceZone,
        allDay: event.isAllDay === true,
      });
    } catch (error) {
      if (error instanceof RecurrenceMappingError) throw malformed('recurrence');
      throw error;
    }
  }
  if ((kind === 'occurrence' || kind === 'exception') && event.originalStart) {
    const ms = Date.parse(event.originalStart);
    if (Number.isNaN(ms)) throw malformed('originalStart');
    out.originalStart = event.isAllDay
      ? { kind: 'date', date: allDayOriginalDate(ms, event) }
      : { kind: 'dateTime', dateTime: new Date(ms).toISOString(), timeZone: zone };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------------------------

/** Graph `dateTimeTimeZone` for an EventTime. All-day dates are written as UTC midnights (floating days). */
export function toGraphTime(time: EventTime): { dateTime: string; timeZone: string } {
  if (time.kind === 'date') return { dateTime: `${time.date}T00:00:00.0000000`, timeZone: 'UTC' };
  const iana = windowsToIana(time.timeZone) ?? 'UTC';
  const ms = Date.parse(time.dateTime);
  if (Number.isNaN(ms)) throw new ProviderError('invalid_request', 'microsoft', 'event time is not an ISO-8601 date-time');
  // Windows names are what Outlook itself writes, and every Graph tenant understands them.
  return { dateTime: epochToWallTime(ms, iana), timeZone: ianaToWindows(iana) ?? iana };
}

function graphRecurrence(lines: string[], start: EventTime): PatternedRecurrence {
  const allDay = start.kind === 'date';
  const zone = start.kind === 'dateTime' ? (windowsToIana(start.timeZone) ?? 'UTC') : 'UTC';
  const startDate = start.kind === 'date' ? start.date : epochToDate(Date.parse(start.dateTime), zone);
  try {
    const recurrence = rruleToRecurrence(lines, startDate, { timeZone: zone, allDay });
    recurrence.range.recurrenceTimeZone = ianaToWindows(zone) ?? zone;
    return recurrence;
  } catch (error) {
    if (error instanceof RecurrenceMappingError) {
      throw new ProviderError('invalid_request', 'microsoft', 'recurrence has no Microsoft Graph equivalent', {
        code: 'unsupportedRecurrence',
      });
    }
    throw error;
  }
}

export function toGraphEventBody(input: EventPatch, current?: { start: EventTime }): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (input.title !== undefined) body.subject = input.title;
  if (input.description !== undefined) body.body = { contentType: 'text', content: input.description };
  if (input.location !== undefined) body.location = { displayName: input.location };
  if (input.start) {
    body.start = toGraphTime(input.start);
    body.isAllDay = input.start.kind === 'date';
  }
  if (input.end) body.end = toGraphTime(input.end);
  const start = input.start ?? current?.start;
  if (input.recurrence !== undefined) {
    if (input.recurrence.length === 0) body.recurrence = null;
    else if (!start) throw new ProviderError('invalid_request', 'microsoft', 'recurrence needs the event start');
    else body.recurrence = graphRecurrence(input.recurrence, start);
  }
  if (input.attendees) {
    body.attendees = input.attendees.map((a) => ({
      emailAddress: { address: a.email, ...(a.name ? { name: a.name } : {}) },
      type: a.optional ? 'optional' : 'required',
    }));
  }
  if (input.status === 'tentative') body.showAs = 'tentative';
  if (input.status === 'confirmed') body.showAs = 'busy';
  return body;
}

export function toGraphCreateBody(input: EventInput, idempotencyKey: string): Record<string, unknown> {
  return { ...toGraphEventBody(input), showAs: 'busy', transactionId: transactionIdFor(idempotencyKey) };
}

/**
 * Graph's transactionId is a free-form string, but its length limit is undocumented; keys that are short
 * and plain pass through, anything else is replaced by a SHA-256 digest (same key -> same id).
 */
export function transactionIdFor(key: string): string {
  if (/^[A-Za-z0-9._:-]{1,64}$/.test(key)) return key;
  return `sha256-${createHash('sha256').update(key).digest('base64url')}`;
}

/** Graph's `@odata.etag` form of a changeKey. */
export function weakEtag(changeKey: string): string {
  return `W/"${changeKey}"`;
}

/**
 * What If-Match must carry: the `@odata.etag`. Rows synced before the adapter kept the etag hold the bare
 * changeKey; it is wrapped the way Graph wraps it.
 */
export function ifMatchValue(version: string): string {
  return /^(W\/)?"/.test(version) ? version : weakEtag(version);
}
