// Validation of event bodies sent to events.insert / patch / update, with Google's error reasons.

import { isValidEventId, type GoogleAttendee, type GoogleEventResource, type GoogleTime } from './resource';
import { formatInZone, isDateString, isValidTimeZone } from './time';

export class InputError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;

function str(body: Body, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InputError('invalid', `Invalid value for: ${key}`);
  return value;
}

function parseTime(value: unknown, which: 'start' | 'end', calendarZone: string): GoogleTime {
  if (value === undefined || value === null) throw new InputError('required', `Missing ${which} time.`);
  if (typeof value !== 'object') throw new InputError('invalid', `Invalid ${which} time.`);
  const time = value as Body;
  const timeZone = str(time, 'timeZone');
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
    throw new InputError('timeZoneInvalid', `Invalid time zone definition for ${which} time.`);
  }
  const date = str(time, 'date');
  const dateTime = str(time, 'dateTime');
  if (date !== undefined && dateTime !== undefined) throw new InputError('invalid', `Invalid ${which} time.`);
  if (date !== undefined) {
    if (!isDateString(date)) throw new InputError('invalid', `Invalid ${which} time.`);
    return { date, ...(timeZone ? { timeZone } : {}) };
  }
  if (dateTime === undefined) throw new InputError('required', `Missing ${which} time.`);
  const hasOffset = /(Z|[+-]\d{2}:\d{2})$/i.test(dateTime);
  if (!hasOffset && !timeZone) throw new InputError('required', `Missing time zone definition for ${which} time.`);
  // A dateTime without offset is wall time in `timeZone`; the fake only accepts it with an offset.
  const ms = Date.parse(dateTime);
  if (!hasOffset || Number.isNaN(ms)) throw new InputError('invalid', `Invalid ${which} time.`);
  return { dateTime: formatInZone(ms, timeZone ?? calendarZone), ...(timeZone ? { timeZone } : {}) };
}

function parseAttendees(value: unknown): GoogleAttendee[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new InputError('invalid', 'Invalid attendees.');
  return value.map((raw: unknown) => {
    if (typeof raw !== 'object' || raw === null) throw new InputError('invalid', 'Invalid attendee.');
    const attendee = raw as Body;
    const email = str(attendee, 'email');
    if (!email || !email.includes('@')) throw new InputError('invalid', 'Invalid attendee email.');
    const response = str(attendee, 'responseStatus') ?? 'needsAction';
    if (!['needsAction', 'declined', 'tentative', 'accepted'].includes(response))
      throw new InputError('invalid', 'Invalid responseStatus.');
    return {
      email: email.toLowerCase(),
      ...(str(attendee, 'displayName') ? { displayName: str(attendee, 'displayName') } : {}),
      ...(attendee.optional === true ? { optional: true } : {}),
      responseStatus: response as GoogleAttendee['responseStatus'],
    };
  });
}

function startMs(time: GoogleTime): number {
  return time.date ? Date.parse(`${time.date}T00:00:00Z`) : Date.parse(time.dateTime ?? '');
}

/** Applies the writable fields of `body` to `target` (full replacement for insert/update, merge for patch). */
export function applyEventBody(
  target: GoogleEventResource,
  body: unknown,
  calendarZone: string,
  mode: 'insert' | 'update' | 'patch',
): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InputError('badRequest', 'Bad Request');
  const input = body as Body;
  const present = (key: string): boolean => mode !== 'patch' || key in input;

  if (present('summary')) target.summary = str(input, 'summary');
  if (present('description')) target.description = str(input, 'description');
  if (present('location')) target.location = str(input, 'location');
  if (present('start')) target.start = parseTime(input.start, 'start', calendarZone);
  if (present('end')) target.end = parseTime(input.end, 'end', calendarZone);
  if (present('attendees')) target.attendees = parseAttendees(input.attendees);
  if (present('transparency')) {
    const transparency = str(input, 'transparency');
    if (transparency !== undefined && transparency !== 'opaque' && transparency !== 'transparent')
      throw new InputError('invalid', 'Invalid transparency.');
    target.transparency = transparency;
  }
  if (present('visibility')) {
    const visibility = str(input, 'visibility');
    if (visibility !== undefined && !['default', 'public', 'private', 'confidential'].includes(visibility))
      throw new InputError('invalid', 'Invalid visibility.');
    target.visibility = visibility as GoogleEventResource['visibility'];
  }
  if ('status' in input && input.status !== undefined) {
    const status = str(input, 'status');
    if (status !== 'confirmed' && status !== 'tentative' && status !== 'cancelled') throw new InputError('invalid', 'Invalid status.');
    target.status = status;
  }
  if (present('recurrence') && !target.recurringEventId) {
    const recurrence = input.recurrence;
    if (recurrence === undefined || recurrence === null) delete target.recurrence;
    else if (
      !Array.isArray(recurrence) ||
      recurrence.some((line) => typeof line !== 'string' || !/^(RRULE|EXRULE|RDATE|EXDATE)[:;]/i.test(line))
    ) {
      throw new InputError('invalid', 'Invalid recurrence rule.');
    } else target.recurrence = recurrence as string[];
  }
  for (const key of ['summary', 'description', 'location', 'attendees', 'transparency', 'visibility'] as const) {
    if (target[key] === undefined) delete target[key];
  }

  if (!target.start) throw new InputError('required', 'Missing start time.');
  if (!target.end) throw new InputError('required', 'Missing end time.');
  if (Boolean(target.start.date) !== Boolean(target.end.date))
    throw new InputError('invalid', 'Start and end times must either both be date or both be dateTime.');
  if (startMs(target.end) <= startMs(target.start)) throw new InputError('timeRangeEmpty', 'The specified time range is empty.');
  if (target.recurrence && target.recurrence.length > 0 && target.start.dateTime && !target.start.timeZone) {
    throw new InputError('required', 'Missing time zone definition for start time.');
  }
}

export function validateClientId(id: unknown): string | undefined {
  if (id === undefined || id === null) return undefined;
  if (typeof id !== 'string' || !isValidEventId(id)) throw new InputError('invalid', 'Invalid resource id value.');
  return id;
}
