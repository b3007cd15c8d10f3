// The input schema of every update, and the domain schemas and helpers the updates use. Loaded on first use
// through input-schemas-on-demand.ts, never when a workflow starts (see there).
import { z } from 'zod';
import { calendarSelectionSchema } from '../../domain/calendar-selection';
import { eventEditSchema, occurrenceEditSchema, occurrenceScopeSchema, occurrenceStartSchema } from '../../domain/event-edit';
import { meetingChangeSchema, meetingFieldsSchema, requestIdSchema } from '../../domain/meeting';

export { eventEditSchema } from '../../domain/event-edit';
export { meetingChangeSchema, meetingFieldsSchema, resolveMeeting } from '../../domain/meeting';

const id = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });
const eventId = id('an event id');
const actor = id('a user id');
const requestedAt = z.string().optional();
const isoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with offset' });

export const updateInputSchemas = {
  scheduleMeeting: meetingFieldsSchema.extend({ requestId: requestIdSchema }),
  rescheduleMeeting: z.strictObject({ requestId: requestIdSchema, eventId, change: meetingChangeSchema }),
  cancelMeeting: z.strictObject({ requestId: requestIdSchema, eventId }),
  editEvent: z.strictObject({ requestId: requestIdSchema, eventId, edit: eventEditSchema, actor, requestedAt }),
  editOccurrence: z.strictObject({
    requestId: requestIdSchema,
    eventId,
    originalStart: occurrenceStartSchema,
    scope: occurrenceScopeSchema,
    change: z.union([z.strictObject({ edit: occurrenceEditSchema }), z.strictObject({ cancel: z.literal(true) })], {
      error: 'must be an edit or a cancellation',
    }),
    actor,
    requestedAt,
  }),
  resolveConflict: z.strictObject({
    requestId: requestIdSchema,
    conflictId: id('a conflict id'),
    choice: z.enum(['local', 'remote', 'merged'], { error: 'must be local, remote or merged' }),
    merged: eventEditSchema.optional(),
    actor,
  }),
  selectCalendars: z.strictObject({ selection: calendarSelectionSchema }),
  resolveHeldDeletions: z.strictObject({
    calendarId: id('a calendar id'),
    decision: z.enum(['confirm', 'dismiss'], { error: 'must be confirm or dismiss' }),
    actor,
  }),
  freeBusy: z
    .strictObject({ timeMin: isoDateTime, timeMax: isoDateTime })
    .refine((window) => Date.parse(window.timeMin) < Date.parse(window.timeMax), {
      error: 'timeMin must be before timeMax',
      path: ['timeMax'],
    }),
} as const;

export type UpdateKind = keyof typeof updateInputSchemas;
