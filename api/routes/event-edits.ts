// Edits of synced events from the CRM (inbound events too), written back to the calendar through the
// connection's workflow (an update, so the write is serialised with sync). A concurrent edit in the
// calendar is merged and recorded as a conflict (services/connection/writes/write-through.ts).
import { listedEvent } from '../../data/event-listing';
import type { Db } from '../../db/client';
import { applyEdit, type EventEdit } from '../../domain/event-edit';
import { versionFromRow } from '../../domain/merge/event-version';
import { outsideSeriesSpan, recurrenceProblem, seriesOfVersion } from '../../domain/recurrence/occurrences';
import { editEventUpdate, editOccurrenceUpdate } from '../../workflows/connection/messages';
import { PERMISSIONS } from '../auth/permissions';
import type { Caller } from '../auth/verifier';
import { writableConnection } from '../connection-access';
import { ApiError } from '../routing/errors';
import { answeringFailures, failureAnswer } from '../routing/failure-responses';
import { route } from '../routing/route';
import {
  editedEventResponse,
  editedOccurrenceResponse,
  editEventBody,
  editOccurrenceBody,
  eventParams,
  idempotencyHeaders,
  occurrenceParams,
  occurrenceQuery,
} from '../schemas';
import { eventView } from '../views/event-view';

const editRoute = {
  tag: 'Events',
  permission: PERMISSIONS.schedule,
  headers: idempotencyHeaders,
  idempotent: true,
  errors: [404, 409, 422, 502],
} as const;

/** An event of the caller's organization on this connection that is not cancelled. */
async function liveEvent(db: Db, caller: Caller, connectionId: string, eventId: string) {
  const event = await db.calendarEvent.findFirst({ where: { id: eventId, connectionId, organizationId: caller.organizationId } });
  if (!event || event.status === 'cancelled') throw ApiError.notFound('Event');
  return event;
}

/** A new series rule must be one this service expands, and must yield at least one occurrence. */
function checkRecurrence(event: Parameters<typeof versionFromRow>[0], edit: EventEdit): void {
  if (!edit.recurrence) return;
  const problem = recurrenceProblem(seriesOfVersion(applyEdit(versionFromRow(event), edit)), new Date());
  if (problem) throw ApiError.invalid('body.recurrence', problem);
}

/** `yyyy-mm-dd` (an all-day series) is that day at 00:00 UTC, as the series' rows store it. */
const originalStartInstant = (value: string) => Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);

/** The event as it is after the write, for the answer. */
async function viewOf(db: Db, caller: Caller, eventId: string) {
  const row = await listedEvent(db, caller.organizationId, eventId);
  if (!row) throw ApiError.notFound('Event');
  return eventView(row, caller.userId);
}

const occurrenceRoute = {
  ...editRoute,
  path: '/v1/connections/{connectionId}/events/{eventId}/occurrences/{originalStart}',
  params: occurrenceParams,
  query: occurrenceQuery,
  responses: { 200: { description: 'Written to the calendar', schema: editedOccurrenceResponse } },
} as const;

/** PATCH edits the occurrence(s); DELETE cancels them. Both go through the workflow's editOccurrence update. */
function occurrenceRouteFor(kind: 'edit' | 'cancel') {
  return route({
    ...occurrenceRoute,
    method: kind === 'edit' ? 'patch' : 'delete',
    summary:
      kind === 'edit'
        ? 'Edit one occurrence of a recurring series, or it and all following ones (the series is split), in the calendar too'
        : 'Cancel one occurrence of a recurring series, or end the series before it (`scope=following`)',
    ...(kind === 'edit' ? { body: editOccurrenceBody } : {}),
  }).handle(async ({ caller, params: { connectionId, eventId, originalStart }, query: { scope }, headers, body }, { db, workflows }) => {
    const connection = await writableConnection(db, caller, connectionId);
    const series = await liveEvent(db, caller, connectionId, eventId);
    if (series.eventKind !== 'seriesMaster') throw failureAnswer({ code: 'not_a_series' }, 'Event');
    // An address before the series, after its end or past the horizon: 404 at once, no workflow involved.
    if (outsideSeriesSpan(seriesOfVersion(versionFromRow(series)), new Date(originalStartInstant(originalStart)), new Date())) {
      throw ApiError.notFound('Occurrence');
    }
    const change = body ? { edit: body } : ({ cancel: true } as const);
    const requestId = headers['idempotency-key'];
    const input = { requestId, eventId, originalStart, scope, change, actor: caller.userId, requestedAt: new Date().toISOString() };
    const edited = await answeringFailures('Event', () =>
      workflows.update(connection, editOccurrenceUpdate, [input], { updateId: `occurrence:${eventId}:${requestId}` }),
    );
    const [event, seriesView] = await Promise.all([viewOf(db, caller, edited.eventId), viewOf(db, caller, edited.seriesEventId)]);
    return { status: 200, body: { event, series: seriesView, conflict: edited.conflict ?? null } };
  });
}

export const eventEditRoutes = [
  route({
    ...editRoute,
    method: 'patch',
    path: '/v1/connections/{connectionId}/events/{eventId}',
    summary: 'Edit a synced event (title, time, location, description) and write it back to the calendar',
    params: eventParams,
    body: editEventBody,
    responses: {
      200: { description: 'Written to the calendar; `conflict` is set when the calendar had changed too', schema: editedEventResponse },
    },
  }).handle(async ({ caller, params: { connectionId, eventId }, headers, body: edit }, { db, workflows }) => {
    const connection = await writableConnection(db, caller, connectionId);
    const event = await liveEvent(db, caller, connectionId, eventId);
    if (edit.recurrence && (event.eventKind === 'occurrence' || event.eventKind === 'exception')) {
      throw ApiError.invalid('body.recurrence', 'an occurrence has no rule of its own; change the rule on the series event');
    }
    checkRecurrence(event, edit);
    const requestId = headers['idempotency-key'];
    const input = { requestId, eventId, edit, actor: caller.userId, requestedAt: new Date().toISOString() };
    const edited = await answeringFailures('Event', () =>
      workflows.update(connection, editEventUpdate, [input], { updateId: `edit:${eventId}:${requestId}` }),
    );
    return { status: 200, body: { event: await viewOf(db, caller, eventId), conflict: edited.conflict ?? null } };
  }),
  occurrenceRouteFor('edit'),
  occurrenceRouteFor('cancel'),
];
