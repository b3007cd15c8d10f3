// What a meeting scheduled from the CRM may contain. The API validates requests with these schemas and the
// connection workflow's update validator runs them again (the workflow may be called by other clients),
// adding the organization's default duration. Pure: no I/O, safe inside workflow code.
import { z } from 'zod';
import { SETTING_RANGES } from './settings';
import { isValidTimeZone } from './time/zoned-time';

const DURATION = SETTING_RANGES.defaultMeetingDurationMinutes;
const durationMessage = `must be a whole number of minutes from ${DURATION.min} to ${DURATION.max}`;

export { isValidTimeZone as isIanaTimeZone } from './time/zoned-time';

export const timeZoneSchema = z.string().max(64).refine(isValidTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' });

const attendeeSchema = z.strictObject({
  email: z.email({ error: 'must be an email address' }).max(254),
  name: z.string().max(200).optional(),
  optional: z.boolean().optional(),
});

export const attendeeListSchema = z.array(attendeeSchema).max(100, { error: 'at most 100 attendees' });

// The fields without defaults: a reschedule must not turn "not mentioned" into "UTC, no attendees".
const meetingFieldShapes = {
  title: z.string().trim().min(1, { error: 'must not be empty' }).max(255),
  /** ISO-8601 date-time with an offset, e.g. 2026-12-01T15:00:00+01:00. */
  start: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with offset' }),
  durationMinutes: z
    .number({ error: durationMessage })
    .int({ error: durationMessage })
    .min(DURATION.min, { error: durationMessage })
    .max(DURATION.max, { error: durationMessage }),
  timeZone: timeZoneSchema,
  attendees: attendeeListSchema,
  description: z.string().max(8000),
  location: z.string().max(1000),
};

export const meetingFieldsSchema = z.strictObject({
  ...meetingFieldShapes,
  durationMinutes: meetingFieldShapes.durationMinutes.optional(),
  timeZone: meetingFieldShapes.timeZone.default('UTC'),
  attendees: meetingFieldShapes.attendees.default([]),
  description: meetingFieldShapes.description.optional(),
  location: meetingFieldShapes.location.optional(),
  contactId: z.string().min(1).max(128).optional(),
});

export type MeetingFields = z.infer<typeof meetingFieldsSchema>;
/** What a caller may send (defaults not yet applied). */
export type MeetingFieldsInput = z.input<typeof meetingFieldsSchema>;

/** A reschedule: any subset of the fields (the rest stays). */
export const meetingChangeSchema = z
  .strictObject(meetingFieldShapes)
  .partial()
  .refine((change) => Object.keys(change).length > 0, { error: 'name at least one field to change' });

export type MeetingChange = z.infer<typeof meetingChangeSchema>;
export type MeetingChangeInput = z.input<typeof meetingChangeSchema>;

export const requestIdSchema = z
  .string()
  .min(8, { error: 'must be 8 to 128 characters' })
  .max(128, { error: 'must be 8 to 128 characters' })
  .regex(/^[A-Za-z0-9._:-]+$/, { error: 'may contain only letters, digits and . _ : -' });

/** The meeting as the workflow hands it to the activity: duration resolved, end computed. */
export interface ResolvedMeeting extends Omit<MeetingFields, 'durationMinutes'> {
  durationMinutes: number;
  end: string;
}

export function resolveMeeting(fields: MeetingFields, defaultDurationMinutes: number): ResolvedMeeting {
  const durationMinutes = fields.durationMinutes ?? defaultDurationMinutes;
  const end = new Date(Date.parse(fields.start) + durationMinutes * 60_000).toISOString();
  return { ...fields, durationMinutes, end };
}
