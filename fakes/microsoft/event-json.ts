// Graph event JSON <-> the fake's stored events: what a client sends in POST/PATCH, what GET returns.
import type { PatternedRecurrence } from '../../providers/microsoft/recurrence';
import { epochToWallTime, wallTimeToEpoch, windowsToIana } from '../../providers/microsoft/time-zones';
import { badRequest, GraphHttpError } from './graph-errors';
import type { GraphResponse, ShowAs, StoredAttendee, StoredEvent, StoredTime } from './model';

/** The zone named by `Prefer: outlook.timezone="..."`; Graph answers in UTC without it. */
export function preferredZone(preferHeader: string | undefined): { name: string; iana: string } | undefined {
  const m = /outlook\.timezone\s*=\s*"([^"]+)"/i.exec(preferHeader ?? '');
  if (!m) return undefined;
  const iana = windowsToIana(m[1]);
  return iana ? { name: m[1]!, iana } : undefined;
}

function timeOut(t: StoredTime, isAllDay: boolean, zone: { name: string; iana: string } | undefined) {
  // All-day events are floating dates: their midnight is shown as-is in whatever zone is asked for.
  if (isAllDay) return { dateTime: t.wall, timeZone: zone?.name ?? 'UTC' };
  return { dateTime: epochToWallTime(t.ms, zone?.iana ?? 'UTC'), timeZone: zone?.name ?? 'UTC' };
}

const RESPONSE_TIME = '0001-01-01T00:00:00Z';

export function eventToJson(e: StoredEvent, zone?: { name: string; iana: string }): Record<string, unknown> {
  return {
    '@odata.etag': `W/"${e.changeKey}"`,
    id: e.id,
    createdDateTime: e.createdDateTime,
    lastModifiedDateTime: e.lastModifiedDateTime,
    changeKey: e.changeKey,
    categories: [],
    transactionId: e.transactionId,
    originalStartTimeZone: e.start.zone,
    originalEndTimeZone: e.end.zone,
    iCalUId: e.iCalUId,
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    subject: e.subject,
    bodyPreview: e.body.slice(0, 255),
    importance: 'normal',
    sensitivity: 'normal',
    ...(e.originalStartMs !== null ? { originalStart: new Date(e.originalStartMs).toISOString().replace('.000Z', 'Z') } : {}),
    isAllDay: e.isAllDay,
    isCancelled: e.isCancelled,
    isOrganizer: true,
    responseRequested: true,
    seriesMasterId: e.seriesMasterId,
    showAs: e.showAs,
    type: e.type,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(e.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: false,
    onlineMeetingProvider: 'unknown',
    allowNewTimeProposals: true,
    isDraft: false,
    hideAttendees: false,
    responseStatus: { response: 'organizer', time: RESPONSE_TIME },
    body: { contentType: 'text', content: e.body },
    start: timeOut(e.start, e.isAllDay, zone),
    end: timeOut(e.end, e.isAllDay, zone),
    location: {
      displayName: e.location,
      locationType: 'default',
      uniqueIdType: e.location ? 'private' : 'unknown',
      address: {},
      coordinates: {},
    },
    locations: e.location ? [{ displayName: e.location, locationType: 'default', uniqueIdType: 'private' }] : [],
    recurrence: e.recurrence,
    attendees: e.attendees.map((a) => ({
      type: a.type,
      status: { response: a.response, time: RESPONSE_TIME },
      emailAddress: { name: a.name ?? a.address, address: a.address },
    })),
    organizer: { emailAddress: { name: e.organizer.name ?? e.organizer.address, address: e.organizer.address } },
    onlineMeeting: null,
  };
}

/** The writable fields of an event, parsed from a POST/PATCH body (only what the body mentions). */
export interface EventWrite {
  subject?: string;
  body?: string;
  location?: string;
  start?: StoredTime;
  end?: StoredTime;
  isAllDay?: boolean;
  showAs?: ShowAs;
  recurrence?: PatternedRecurrence | null;
  attendees?: StoredAttendee[];
  transactionId?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseTime(value: unknown, field: string): StoredTime {
  if (!isObject(value) || typeof value.dateTime !== 'string') throw badRequest(`${field}.dateTime is required.`);
  const zone = typeof value.timeZone === 'string' && value.timeZone ? value.timeZone : 'UTC';
  const iana = windowsToIana(zone);
  if (!iana)
    throw new GraphHttpError(
      400,
      'TimeZoneNotSupportedException',
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${zone}'.`,
    );
  let ms: number;
  try {
    ms = wallTimeToEpoch(value.dateTime, iana);
  } catch {
    throw badRequest(`Cannot convert the literal '${value.dateTime}' to the expected type 'Edm.DateTimeOffset'.`, 'BadRequest');
  }
  return { wall: epochToWallTime(ms, iana), zone, iana, ms };
}

const SHOW_AS: ShowAs[] = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'];
const RESPONSES: GraphResponse[] = ['none', 'organizer', 'tentativelyAccepted', 'accepted', 'declined', 'notResponded'];

export function parseEventWrite(body: unknown): EventWrite {
  if (!isObject(body)) throw badRequest('Empty Payload. JSON content expected.', 'BadRequest');
  const out: EventWrite = {};
  if ('subject' in body) out.subject = typeof body.subject === 'string' ? body.subject : '';
  if ('body' in body) out.body = isObject(body.body) && typeof body.body.content === 'string' ? body.body.content : '';
  if ('location' in body)
    out.location = isObject(body.location) && typeof body.location.displayName === 'string' ? body.location.displayName : '';
  if ('start' in body) out.start = parseTime(body.start, 'start');
  if ('end' in body) out.end = parseTime(body.end, 'end');
  if ('isAllDay' in body) out.isAllDay = body.isAllDay === true;
  if ('showAs' in body) {
    if (!SHOW_AS.includes(body.showAs as ShowAs)) throw badRequest(`Invalid showAs value.`);
    out.showAs = body.showAs as ShowAs;
  }
  if ('recurrence' in body) out.recurrence = parseRecurrence(body.recurrence);
  if ('transactionId' in body && typeof body.transactionId === 'string') out.transactionId = body.transactionId;
  if ('attendees' in body) {
    if (!Array.isArray(body.attendees)) throw badRequest('attendees must be a collection.');
    out.attendees = body.attendees.map((a): StoredAttendee => {
      const email = isObject(a) && isObject(a.emailAddress) ? a.emailAddress : undefined;
      if (!email || typeof email.address !== 'string' || !email.address.includes('@'))
        throw badRequest('An attendee has no valid email address.', 'ErrorInvalidRecipients');
      const status =
        isObject(a) && isObject(a.status) && RESPONSES.includes(a.status.response as GraphResponse)
          ? (a.status.response as GraphResponse)
          : 'none';
      const type = isObject(a) && (a.type === 'optional' || a.type === 'resource') ? a.type : 'required';
      return { address: email.address, name: typeof email.name === 'string' ? email.name : undefined, type, response: status };
    });
  }
  return out;
}

function parseRecurrence(value: unknown): PatternedRecurrence | null {
  if (value === null) return null;
  if (!isObject(value) || !isObject(value.pattern) || !isObject(value.range)) throw badRequest('recurrence needs pattern and range.');
  const p = value.pattern;
  const r = value.range;
  const types = ['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'];
  if (!types.includes(p.type as string)) throw badRequest('Invalid recurrence pattern type.', 'ErrorPropertyValidationFailure');
  if (!['endDate', 'noEnd', 'numbered'].includes(r.type as string) || typeof r.startDate !== 'string') {
    throw badRequest('Invalid recurrence range.', 'ErrorPropertyValidationFailure');
  }
  if (r.type === 'endDate' && typeof r.endDate !== 'string')
    throw badRequest('Recurrence end date can not be null.', 'ErrorPropertyValidationFailure');
  if (r.type === 'numbered' && !(Number(r.numberOfOccurrences) > 0))
    throw badRequest('numberOfOccurrences must be positive.', 'ErrorPropertyValidationFailure');
  return {
    pattern: {
      type: p.type as PatternedRecurrence['pattern']['type'],
      interval: Number(p.interval) || 1,
      ...(p.month !== undefined ? { month: Number(p.month) } : {}),
      ...(p.dayOfMonth !== undefined ? { dayOfMonth: Number(p.dayOfMonth) } : {}),
      ...(Array.isArray(p.daysOfWeek) ? { daysOfWeek: p.daysOfWeek as never } : {}),
      firstDayOfWeek: (typeof p.firstDayOfWeek === 'string' ? p.firstDayOfWeek : 'sunday') as never,
      ...(typeof p.index === 'string' ? { index: p.index as never } : {}),
    },
    range: {
      type: r.type as PatternedRecurrence['range']['type'],
      startDate: r.startDate,
      endDate: typeof r.endDate === 'string' ? r.endDate : null,
      ...(r.numberOfOccurrences !== undefined ? { numberOfOccurrences: Number(r.numberOfOccurrences) } : {}),
      recurrenceTimeZone: typeof r.recurrenceTimeZone === 'string' ? r.recurrenceTimeZone : '',
    },
  };
}
