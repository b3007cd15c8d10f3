// Update validators: they run before an update is accepted, so a rejected request leaves nothing in the
// workflow's history. Each update's input has one schema here; a failure names every field (`details`), so
// the API can answer 400 with the same shape as its own checks. The connection's state is checked first:
// nothing is accepted for a disconnected connection, nor provider work while it needs reconnecting.
import { ApplicationFailure } from '@temporalio/workflow';
import { z } from 'zod';
import { calendarSelectionSchema } from '../../domain/calendar-selection';
import { eventEditSchema, occurrenceEditSchema, occurrenceScopeSchema, occurrenceStartSchema } from '../../domain/event-edit';
import { meetingChangeSchema, meetingFieldsSchema, requestIdSchema } from '../../domain/meeting';
import type { ConnectionState } from './state';

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

function invalidRequest(issues: z.core.$ZodIssue[]): ApplicationFailure {
  const details = issues.map((issue) => ({ field: issue.path.map(String).join('.') || 'input', message: issue.message }));
  const first = details[0]!;
  return ApplicationFailure.create({ type: 'invalid_request', message: `${first.field}: ${first.message}`, nonRetryable: true, details });
}

/** Rejects everything for a disconnected connection (or one whose disconnect is pending). */
export function requireConnected(state: ConnectionState): void {
  if (state.pending.disconnect || state.health === 'disconnected') {
    throw ApplicationFailure.create({ type: 'connection_disconnected', message: 'The connection is disconnected', nonRetryable: true });
  }
}

/** Rejects provider work for a connection that is disconnected or needs reconnecting. */
export function requireActive(state: ConnectionState): void {
  requireConnected(state);
  if (state.health === 'needs_reconnect') {
    throw ApplicationFailure.create({ type: 'reconnect_required', message: 'The connection needs reconnecting', nonRetryable: true });
  }
}

/** The validator of an update that calls the provider: an active connection and a valid input. */
export function activeAnd<K extends keyof typeof updateInputSchemas>(kind: K, state: () => ConnectionState) {
  return (input: unknown): void => {
    requireActive(state());
    const result = updateInputSchemas[kind].safeParse(input);
    if (!result.success) throw invalidRequest(result.error.issues);
  };
}

/** The validator of an update that only touches the service's own records: a connected connection and a valid input. */
export function connectedAnd<K extends keyof typeof updateInputSchemas>(kind: K, state: () => ConnectionState) {
  return (input: unknown): void => {
    requireConnected(state());
    const result = updateInputSchemas[kind].safeParse(input);
    if (!result.success) throw invalidRequest(result.error.issues);
  };
}
