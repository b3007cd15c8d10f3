// Edits of synced events from the CRM (inbound events too), written back to the calendar through the
// connection's workflow (an update, so the write is serialised with sync). A concurrent edit in the
// calendar is merged and recorded as a conflict (see activities/connection/event-write.ts).
import type { WorkflowHandle } from '@temporalio/client';
import { Router, type Request, type Response } from 'express';
import { connectionWorkflowId, editEventUpdate, editOccurrenceUpdate } from '../../workflows/connection/messages';
import { requirePermission } from '../auth/middleware';
import type { Caller } from '../auth/verifier';
import { PERMISSIONS } from '../auth/permissions';
import { ownedConnection } from '../connection-access';
import type { ApiContext } from '../dependencies';
import { ApiError } from '../errors';
import { eventView } from '../event-page';
import { standardErrors, type RouteDoc } from '../route-docs';
import {
  editedEventResponse,
  editedOccurrenceResponse,
  editEventBody,
  editOccurrenceBody,
  eventParams,
  idempotencyHeaders,
  noQuery,
  occurrenceParams,
  occurrenceQuery,
} from '../schemas';
import { applicationFailureIn, updateFailureToApiError } from '../temporal-errors';
import { parseInput } from '../validation';
import { UPDATE_TIMEOUT_MS } from './meetings';

/** What the PATCH and DELETE of occurrences share. */
const occurrenceRouteDoc = {
  path: '/v1/connections/{connectionId}/events/{eventId}/occurrences/{originalStart}',
  tag: 'Events',
  auth: true,
  permission: PERMISSIONS.schedule,
  params: occurrenceParams,
  query: occurrenceQuery,
  headers: idempotencyHeaders,
  responses: { ...standardErrors([404, 409, 422]), 502: { description: 'The provider failed' } },
} satisfies Omit<RouteDoc, 'method' | 'summary'>;

export const eventEditRouteDocs: RouteDoc[] = [
  {
    method: 'patch',
    path: '/v1/connections/{connectionId}/events/{eventId}',
    summary: 'Edit a synced event (title, time, location, description) and write it back to the calendar',
    tag: 'Events',
    auth: true,
    permission: PERMISSIONS.schedule,
    params: eventParams,
    query: noQuery,
    headers: idempotencyHeaders,
    body: editEventBody,
    responses: {
      200: { description: 'Written to the calendar; `conflict` is set when the calendar had changed too', schema: editedEventResponse },
      ...standardErrors([404, 409]),
      502: { description: 'The provider failed' },
    },
  },
  {
    ...occurrenceRouteDoc,
    method: 'patch',
    summary: 'Edit one occurrence of a recurring series, or it and all following ones (the series is split), in the calendar too',
    body: editOccurrenceBody,
    responses: { ...occurrenceRouteDoc.responses, 200: { description: 'Written to the calendar', schema: editedOccurrenceResponse } },
  },
  {
    ...occurrenceRouteDoc,
    method: 'delete',
    summary: 'Cancel one occurrence of a recurring series, or end the series before it (`scope=following`)',
    responses: { ...occurrenceRouteDoc.responses, 200: { description: 'Removed in the calendar', schema: editedOccurrenceResponse } },
  },
];

const notASeries = () => new ApiError(422, 'not_a_series', 'The event is not a recurring series; edit it directly');
/** What an event view needs of its connection. */
const withConnectionOwner = { connection: { select: { userId: true, provider: true } } };

/** Failures of two-way writes the generic update mapping does not know (or names as meetings). */
export function twoWayFailureToApiError(error: unknown, what: string): ApiError | undefined {
  const failure = applicationFailureIn(error);
  switch (failure?.type) {
    case 'not_found':
      return ApiError.notFound(/Occurrence/.test(failure!.message) ? 'Occurrence' : what);
    case 'read_only_calendar':
      return new ApiError(409, 'read_only_calendar', 'The connection does not write to this calendar');
    case 'event_deleted':
      return new ApiError(409, 'event_deleted', 'The event is deleted in the calendar');
    case 'not_a_series':
      return notASeries();
    case 'unsupported_recurrence':
      return new ApiError(422, 'unsupported_recurrence', failure!.message);
    default:
      return updateFailureToApiError(error);
  }
}

export function eventEditsRouter(ctx: ApiContext): Router {
  const { db, temporal } = ctx;
  const router = Router();

  async function writableConnection(caller: Caller, connectionId: string) {
    const connection = await ownedConnection(db, caller, connectionId);
    if (connection.status === 'disconnected') throw new ApiError(409, 'connection_disconnected', 'The connection is disconnected');
    if (connection.status === 'needs_reconnect')
      throw new ApiError(409, 'reconnect_required', 'The calendar account revoked access; reconnect it');
    return connection;
  }

  async function liveEvent(caller: Caller, connectionId: string, eventId: string) {
    const event = await db.calendarEvent.findFirst({ where: { id: eventId, connectionId, organizationId: caller.organizationId } });
    if (!event || event.status === 'cancelled') throw ApiError.notFound('Event');
    return event;
  }

  /** Runs a two-way update on the connection's workflow within the API's deadline, mapping its failures. */
  async function runUpdate<T>(connectionId: string, update: (handle: WorkflowHandle) => Promise<T>): Promise<T> {
    const handle = temporal.workflow.getHandle(connectionWorkflowId(connectionId));
    try {
      return await temporal.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, () => update(handle));
    } catch (error) {
      throw twoWayFailureToApiError(error, 'Event') ?? error;
    }
  }

  router.patch('/v1/connections/:connectionId/events/:eventId', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.schedule);
    const { connectionId, eventId } = parseInput(eventParams, request.params, 'params');
    parseInput(noQuery, request.query, 'query');
    const { 'idempotency-key': requestId } = parseInput(idempotencyHeaders, request.headers, 'headers');
    const edit = parseInput(editEventBody, request.body ?? {}, 'body');
    await writableConnection(caller, connectionId);
    const event = await liveEvent(caller, connectionId, eventId);
    if (edit.recurrence && (event.eventKind === 'occurrence' || event.eventKind === 'exception')) {
      throw ApiError.invalid('body.recurrence', 'an occurrence has no rule of its own; change the rule on the series event');
    }

    const edited = await runUpdate(connectionId, (handle) =>
      handle.executeUpdate(editEventUpdate, {
        args: [{ requestId, eventId, edit, actor: caller.userId, requestedAt: new Date().toISOString() }],
        updateId: `edit:${eventId}:${requestId}`,
      }),
    );
    const row = await db.calendarEvent.findUniqueOrThrow({ where: { id: eventId }, include: withConnectionOwner });
    response.json({ event: eventView(row, caller.userId), conflict: edited.conflict ?? null });
  });

  /** PATCH edits the occurrence(s); DELETE cancels them. Both go through the workflow's editOccurrence update. */
  async function changeOccurrence(request: Request, response: Response, kind: 'edit' | 'cancel') {
    const caller = requirePermission(response, PERMISSIONS.schedule);
    const { connectionId, eventId, originalStart } = parseInput(occurrenceParams, request.params, 'params');
    const { scope } = parseInput(occurrenceQuery, request.query, 'query');
    const { 'idempotency-key': requestId } = parseInput(idempotencyHeaders, request.headers, 'headers');
    const change = kind === 'edit' ? { edit: parseInput(editOccurrenceBody, request.body ?? {}, 'body') } : ({ cancel: true } as const);
    await writableConnection(caller, connectionId);
    const series = await liveEvent(caller, connectionId, eventId);
    if (series.eventKind !== 'seriesMaster') throw notASeries();

    const edited = await runUpdate(connectionId, (handle) =>
      handle.executeUpdate(editOccurrenceUpdate, {
        args: [{ requestId, eventId, originalStart, scope, change, actor: caller.userId, requestedAt: new Date().toISOString() }],
        updateId: `occurrence:${eventId}:${requestId}`,
      }),
    );
    const [row, seriesRow] = await Promise.all([
      db.calendarEvent.findUniqueOrThrow({ where: { id: edited.eventId }, include: withConnectionOwner }),
      db.calendarEvent.findUniqueOrThrow({ where: { id: edited.seriesEventId }, include: withConnectionOwner }),
    ]);
    response.json({ event: eventView(row, caller.userId), series: eventView(seriesRow, caller.userId), conflict: edited.conflict ?? null });
  }

  router.patch('/v1/connections/:connectionId/events/:eventId/occurrences/:originalStart', (request, response) =>
    changeOccurrence(request, response, 'edit'),
  );
  router.delete('/v1/connections/:connectionId/events/:eventId/occurrences/:originalStart', (request, response) =>
    changeOccurrence(request, response, 'cancel'),
  );

  return router;
}
