// An edit of a synced event from the CRM (title, time, location, description, series rule, attendees), validated by the API and
// again by the workflow's update validator, and applied to the event's current version. Pure: safe inside
// workflow code.
import { z } from 'zod';
import type { EventVersion } from './merge/event-version';
import { attendeeListSchema, timeZoneSchema } from './meeting';

const isoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with offset' });
const isoDate = z.iso.date({ error: 'must be a date yyyy-mm-dd' });

const RRULE_LINE = /RRULE:FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;(INTERVAL|COUNT|UNTIL|BYDAY|BYMONTHDAY|BYMONTH|BYSETPOS|WKST)=[A-Z0-9,+-]+)*/;
const DATES_LINE = /(EXDATE|RDATE)(;(TZID=[A-Za-z0-9_+/-]+|VALUE=DATE(-TIME)?))*:\d{8}(T\d{6}Z?)?(,\d{8}(T\d{6}Z?)?)*/;
const RECURRENCE_LINE = new RegExp(`^(${RRULE_LINE.source}|${DATES_LINE.source})$`, 'i');
const recurrenceMessage =
  'must be RFC 5545 lines: one RRULE (FREQ DAILY/WEEKLY/MONTHLY/YEARLY, e.g. RRULE:FREQ=WEEKLY;COUNT=10) plus optional EXDATE/RDATE lines';

/** The editable fields; every one optional, the rules between them below. */
const eventEditFields = z
  .strictObject({
    title: z.string().trim().min(1, { error: 'must not be empty' }).max(255),
    description: z.string().max(8000),
    location: z.string().max(1000),
    /** A timed event: start and (optional, default: same duration) end. */
    start: isoDateTime,
    end: isoDateTime,
    timeZone: timeZoneSchema,
    /** An all-day event: first day and (optional, default: same length) the day after the last. */
    startDate: isoDate,
    endDate: isoDate,
    /** The series rule of a series master (or a single event that becomes a series). */
    recurrence: z
      .array(z.string().trim().max(1000).regex(RECURRENCE_LINE, { error: recurrenceMessage }))
      .min(1, { error: recurrenceMessage })
      .max(20, { error: 'at most 20 recurrence lines' })
      .refine((lines) => lines.filter((line) => /^RRULE:/i.test(line)).length === 1, { error: recurrenceMessage })
      .refine((lines) => !lines.some((line) => /COUNT=/i.test(line) && /UNTIL=/i.test(line)), {
        error: 'an RRULE takes COUNT or UNTIL, not both',
      }),
    /** Replaces the attendee list (responses of people who stay are the provider's to keep). */
    attendees: attendeeListSchema,
  })
  .partial();

type EditFields = z.infer<typeof eventEditFields>;

function withEditRules<T extends z.ZodType<Partial<EditFields>>>(schema: T) {
  return schema
    .refine((edit) => Object.keys(edit).length > 0, { error: 'name at least one field to change' })
    .refine((edit) => !((edit.start || edit.end) && (edit.startDate || edit.endDate)), {
      error: 'give either start/end (timed) or startDate/endDate (all-day), not both',
      path: ['start'],
    })
    .refine((edit) => !edit.start || !edit.end || Date.parse(edit.start) < Date.parse(edit.end), {
      error: 'must be after start',
      path: ['end'],
    })
    .refine((edit) => !edit.startDate || !edit.endDate || edit.startDate < edit.endDate, {
      error: 'must be after startDate',
      path: ['endDate'],
    });
}

export const eventEditSchema = withEditRules(eventEditFields);

/**
 * An edit of one occurrence of a series ("this") or of it and the ones after it ("following"). The rule
 * itself is not edited through an occurrence: that is an edit of the series master.
 */
export const occurrenceEditSchema = withEditRules(eventEditFields.omit({ recurrence: true }));
export type OccurrenceEdit = z.infer<typeof occurrenceEditSchema>;

export const occurrenceScopeSchema = z.enum(['this', 'following'], { error: 'must be this or following' });
export type OccurrenceScope = z.infer<typeof occurrenceScopeSchema>;

/** Where an occurrence sits in its series: its original start (timed series) or date (all-day series). */
export const occurrenceStartSchema = z.union([isoDateTime, isoDate], {
  error: "must be the occurrence's original start: an ISO-8601 date-time with offset, or yyyy-mm-dd for an all-day series",
});

export type EventEdit = z.infer<typeof eventEditSchema>;

const DAY = 86_400_000;
const dayMs = (date: string) => Date.parse(`${date}T00:00:00Z`);
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function instant(time: EventVersion['start']): number {
  return time.kind === 'date' ? dayMs(time.date) : Date.parse(time.dateTime);
}

/** The version after the edit; unspecified fields stay, a moved event keeps its duration. */
export function applyEdit(current: EventVersion, edit: EventEdit | OccurrenceEdit): EventVersion {
  const next: EventVersion = { ...current };
  if (edit.title !== undefined) next.title = edit.title;
  if (edit.description !== undefined) next.description = edit.description || null;
  if (edit.location !== undefined) next.location = edit.location || null;
  if ('recurrence' in edit && edit.recurrence !== undefined) next.recurrence = [...edit.recurrence];
  const duration = instant(current.end) - instant(current.start);
  if (edit.start || edit.end || edit.timeZone) {
    const zone = edit.timeZone ?? (current.start.kind === 'dateTime' ? current.start.timeZone : 'UTC');
    const startMs = edit.start ? Date.parse(edit.start) : instant(current.start);
    const endMs = edit.end ? Date.parse(edit.end) : startMs + (current.start.kind === 'date' ? Math.min(duration, 3_600_000) : duration);
    next.start = { kind: 'dateTime', dateTime: new Date(startMs).toISOString(), timeZone: zone };
    next.end = { kind: 'dateTime', dateTime: new Date(endMs).toISOString(), timeZone: zone };
  } else if (edit.startDate || edit.endDate) {
    const days = current.start.kind === 'date' ? Math.max(1, Math.round(duration / DAY)) : 1;
    const start = edit.startDate ?? (current.start.kind === 'date' ? current.start.date : dayOf(instant(current.start)));
    const end = edit.endDate ?? dayOf(dayMs(start) + days * DAY);
    next.start = { kind: 'date', date: start };
    next.end = { kind: 'date', date: end };
  }
  return next;
}
