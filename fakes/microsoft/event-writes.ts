// What a client may write to an event (POST /events, PATCH /events/{id}): the writable fields of Graph's event
// resource, checked and normalized the way Graph stores them (start/end as wall time in the zone given, seven
// fractional digits; recurrence with Graph's defaults filled in). Only the fields a body mentions are set.
import type { Attendee, PatternedRecurrence, RecurrencePattern, ResponseType, Sensitivity, ShowAs } from './event-resource';
import { NO_RESPONSE_TIME } from './event-resource';
import { badRequest } from './graph-errors';
import { normalizeGraphDateTime, requireZone, type DateTimeTimeZone } from './graph-time';
import { DAYS } from './recurrence-expansion';

export interface EventWrite {
  subject?: string;
  body?: { contentType: 'text' | 'html'; content: string };
  location?: string;
  start?: DateTimeTimeZone;
  end?: DateTimeTimeZone;
  isAllDay?: boolean;
  showAs?: ShowAs;
  sensitivity?: Sensitivity;
  recurrence?: PatternedRecurrence | null;
  attendees?: Attendee[];
  transactionId?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const invalid = (message: string) => badRequest(message, 'ErrorPropertyValidationFailure');

/** A start or end: the zone must be one Graph knows; a missing zone is read as UTC (unconfirmed). */
function parseTime(value: unknown, field: string): DateTimeTimeZone {
  if (!isObject(value) || typeof value.dateTime !== 'string') throw badRequest(`${field}.dateTime is required.`);
  const timeZone = typeof value.timeZone === 'string' && value.timeZone.trim() !== '' ? value.timeZone : 'UTC';
  const iana = requireZone(timeZone);
  const dateTime = normalizeGraphDateTime(value.dateTime, iana);
  if (dateTime === undefined) {
    throw badRequest(`Cannot convert the literal '${value.dateTime}' to the expected type 'Edm.DateTimeOffset'.`, 'BadRequest');
  }
  return { dateTime, timeZone };
}

const SHOW_AS: ShowAs[] = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'];
const SENSITIVITY: Sensitivity[] = ['normal', 'personal', 'private', 'confidential'];
const RESPONSES: ResponseType[] = ['none', 'organizer', 'tentativelyAccepted', 'accepted', 'declined', 'notResponded'];

function parseAttendee(a: unknown): Attendee {
  const email = isObject(a) && isObject(a.emailAddress) ? a.emailAddress : undefined;
  if (!email || typeof email.address !== 'string' || !email.address.includes('@')) {
    throw badRequest('An attendee has no valid email address.', 'ErrorInvalidRecipients');
  }
  const status = isObject(a) && isObject(a.status) ? a.status.response : undefined;
  const type = isObject(a) && (a.type === 'optional' || a.type === 'resource') ? a.type : 'required';
  return {
    type,
    status: { response: RESPONSES.includes(status as ResponseType) ? (status as ResponseType) : 'none', time: NO_RESPONSE_TIME },
    emailAddress: { name: typeof email.name === 'string' ? email.name : email.address, address: email.address },
  };
}

export function parseEventWrite(body: unknown): EventWrite {
  if (!isObject(body)) throw badRequest('Empty Payload. JSON content expected.', 'BadRequest');
  const out: EventWrite = {};
  if ('subject' in body) out.subject = typeof body.subject === 'string' ? body.subject : '';
  if ('body' in body) {
    const content = isObject(body.body) && typeof body.body.content === 'string' ? body.body.content : '';
    out.body = { contentType: isObject(body.body) && body.body.contentType === 'html' ? 'html' : 'text', content };
  }
  if ('location' in body) {
    out.location = isObject(body.location) && typeof body.location.displayName === 'string' ? body.location.displayName : '';
  }
  if ('start' in body) out.start = parseTime(body.start, 'start');
  if ('end' in body) out.end = parseTime(body.end, 'end');
  if ('isAllDay' in body) out.isAllDay = body.isAllDay === true;
  if ('sensitivity' in body) {
    if (!SENSITIVITY.includes(body.sensitivity as Sensitivity)) throw badRequest('Invalid sensitivity value.');
    out.sensitivity = body.sensitivity as Sensitivity;
  }
  if ('showAs' in body) {
    if (!SHOW_AS.includes(body.showAs as ShowAs)) throw badRequest('Invalid showAs value.');
    out.showAs = body.showAs as ShowAs;
  }
  if ('recurrence' in body) out.recurrence = parseRecurrence(body.recurrence);
  if ('transactionId' in body && typeof body.transactionId === 'string') out.transactionId = body.transactionId;
  if ('attendees' in body) {
    if (!Array.isArray(body.attendees)) throw badRequest('attendees must be a collection.');
    out.attendees = body.attendees.map(parseAttendee);
  }
  return out;
}

function parsePattern(p: Record<string, unknown>): RecurrencePattern {
  const types = ['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'];
  if (!types.includes(p.type as string)) throw invalid('Invalid recurrence pattern type.');
  const days = Array.isArray(p.daysOfWeek) ? p.daysOfWeek : [];
  if (days.some((d) => !DAYS.includes(d as never))) throw invalid('Invalid daysOfWeek.');
  const pattern: RecurrencePattern = {
    type: p.type as RecurrencePattern['type'],
    interval: Number(p.interval ?? 1),
    month: Number(p.month ?? 0),
    dayOfMonth: Number(p.dayOfMonth ?? 0),
    daysOfWeek: days as RecurrencePattern['daysOfWeek'],
    firstDayOfWeek: DAYS.includes(p.firstDayOfWeek as never) ? (p.firstDayOfWeek as RecurrencePattern['firstDayOfWeek']) : 'sunday',
    index: ['first', 'second', 'third', 'fourth', 'last'].includes(p.index as string) ? (p.index as RecurrencePattern['index']) : 'first',
  };
  if (!Number.isInteger(pattern.interval) || pattern.interval < 1) throw invalid('The recurrence interval must be positive.');
  const needsDays = ['weekly', 'relativeMonthly', 'relativeYearly'].includes(pattern.type);
  if (needsDays && pattern.daysOfWeek.length === 0) throw invalid('daysOfWeek is required for this recurrence pattern.');
  if (pattern.type.startsWith('absolute') && !(pattern.dayOfMonth >= 1 && pattern.dayOfMonth <= 31)) {
    throw invalid('dayOfMonth must be between 1 and 31.');
  }
  if (pattern.type.endsWith('Yearly') && !(pattern.month >= 1 && pattern.month <= 12)) throw invalid('month must be between 1 and 12.');
  return pattern;
}

function parseRecurrence(value: unknown): PatternedRecurrence | null {
  if (value === null) return null;
  if (!isObject(value) || !isObject(value.pattern) || !isObject(value.range)) throw badRequest('recurrence needs pattern and range.');
  const r = value.range;
  const isDate = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
  if (!['endDate', 'noEnd', 'numbered'].includes(r.type as string) || !isDate(r.startDate)) throw invalid('Invalid recurrence range.');
  if (r.type === 'endDate' && !isDate(r.endDate)) throw invalid('Recurrence end date can not be null.');
  if (r.type === 'numbered' && !(Number(r.numberOfOccurrences) > 0)) throw invalid('numberOfOccurrences must be positive.');
  const recurrenceTimeZone = typeof r.recurrenceTimeZone === 'string' ? r.recurrenceTimeZone : '';
  if (recurrenceTimeZone) requireZone(recurrenceTimeZone);
  return {
    pattern: parsePattern(value.pattern),
    range: {
      type: r.type as PatternedRecurrence['range']['type'],
      startDate: r.startDate,
      endDate: r.type === 'endDate' ? (r.endDate as string) : '0001-01-01',
      // Empty: the store fills in the event's start zone, as Graph echoes one.
      recurrenceTimeZone,
      numberOfOccurrences: r.type === 'numbered' ? Number(r.numberOfOccurrences) : 0,
    },
  };
}
