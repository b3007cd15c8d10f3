// Meetings scheduled from the CRM, written through the connection's workflow as Temporal updates. The
// Idempotency-Key header is both the update's requestId and (prefixed) its update id, so a retried
// request attaches to the first one and returns the same meeting instead of creating another.
import { Router, type Response } from 'express';
import type { CalendarConnectionModel } from '../../db/client';
import {
  cancelMeetingUpdate,
  connectionWorkflowId,
  rescheduleMeetingUpdate,
  scheduleMeetingUpdate,
} from '../../workflows/connection/messages';
import { requirePermission } from '../auth/middleware';
import { PERMISSIONS } from '../auth/permissions';
import { ownedConnection } from '../connection-access';
import type { ApiContext } from '../dependencies';
import { ApiError } from '../errors';
import { standardErrors, type RouteDoc } from '../route-docs';
import {
  cancelledMeetingResponse,
  connectionParams,
  idempotencyHeaders,
  meetingParams,
  meetingResponse,
  noQuery,
  rescheduleMeetingBody,
  scheduleMeetingBody,
} from '../schemas';
import { updateFailureToApiError } from '../temporal-errors';
import { parseInput } from '../validation';

/** How long the API waits for an update; past it the client retries with the same Idempotency-Key. */
export const UPDATE_TIMEOUT_MS = 30_000;

const errors = {
  ...standardErrors([404, 409]),
  422: { description: 'The provider rejected the meeting' },
  502: { description: 'The provider failed' },
};

export const meetingRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/connections/{connectionId}/meetings',
    summary: "Schedule a meeting in the connection's calendar (idempotent per Idempotency-Key)",
    tag: 'Meetings',
    auth: true,
    permission: PERMISSIONS.schedule,
    params: connectionParams,
    query: noQuery,
    headers: idempotencyHeaders,
    body: scheduleMeetingBody,
    responses: {
      201: { description: 'Scheduled (or the meeting an earlier request with this key scheduled)', schema: meetingResponse },
      ...errors,
    },
  },
  {
    method: 'patch',
    path: '/v1/connections/{connectionId}/meetings/{eventId}',
    summary: 'Reschedule or edit a meeting scheduled through this API',
    tag: 'Meetings',
    auth: true,
    permission: PERMISSIONS.schedule,
    params: meetingParams,
    query: noQuery,
    headers: idempotencyHeaders,
    body: rescheduleMeetingBody,
    responses: { 200: { description: 'Rescheduled', schema: meetingResponse }, ...errors },
  },
  {
    method: 'delete',
    path: '/v1/connections/{connectionId}/meetings/{eventId}',
    summary: 'Cancel a meeting scheduled through this API',
    tag: 'Meetings',
    auth: true,
    permission: PERMISSIONS.schedule,
    params: meetingParams,
    query: noQuery,
    headers: idempotencyHeaders,
    responses: { 200: { description: 'Cancelled', schema: cancelledMeetingResponse }, ...errors },
  },
];

function requireUsable(row: CalendarConnectionModel): void {
  if (row.status === 'disconnected') throw new ApiError(409, 'connection_disconnected', 'The connection is disconnected');
  if (row.status === 'needs_reconnect') throw new ApiError(409, 'reconnect_required', 'The calendar account revoked access; reconnect it');
}

export function meetingsRouter(ctx: ApiContext): Router {
  const { db, temporal } = ctx;
  const router = Router();

  async function loadFor(response: Response, params: unknown, query: unknown, headers: unknown) {
    const caller = requirePermission(response, PERMISSIONS.schedule);
    const ids = parseInput(meetingParams.partial({ eventId: true }), params, 'params');
    parseInput(noQuery, query, 'query');
    const { 'idempotency-key': requestId } = parseInput(idempotencyHeaders, headers, 'headers');
    const row = await ownedConnection(db, caller, ids.connectionId);
    return { row, requestId, eventId: ids.eventId };
  }

  /** A cancelled meeting is still found for DELETE: a retried cancel returns the first answer (same update id). */
  async function outboundEvent(row: CalendarConnectionModel, eventId: string, allowCancelled = false) {
    const event = await db.calendarEvent.findFirst({
      where: { id: eventId, connectionId: row.id, organizationId: row.organizationId, syncDirection: 'outbound' },
    });
    if (!event || (event.status === 'cancelled' && !allowCancelled)) throw ApiError.notFound('Meeting');
  }

  async function runUpdate<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await temporal.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, call);
    } catch (error) {
      throw updateFailureToApiError(error) ?? error;
    }
  }

  router.post('/v1/connections/:connectionId/meetings', async (request, response) => {
    const { row, requestId } = await loadFor(response, request.params, request.query, request.headers);
    const body = parseInput(scheduleMeetingBody, request.body ?? {}, 'body');
    requireUsable(row);
    const handle = temporal.workflow.getHandle(connectionWorkflowId(row.id));
    const meeting = await runUpdate(() =>
      handle.executeUpdate(scheduleMeetingUpdate, { args: [{ requestId, ...body }], updateId: `schedule:${requestId}` }),
    );
    response.status(201).json(meeting);
  });

  router.patch('/v1/connections/:connectionId/meetings/:eventId', async (request, response) => {
    const { row, requestId, eventId } = await loadFor(response, request.params, request.query, request.headers);
    const change = parseInput(rescheduleMeetingBody, request.body ?? {}, 'body');
    requireUsable(row);
    await outboundEvent(row, eventId!);
    const handle = temporal.workflow.getHandle(connectionWorkflowId(row.id));
    const meeting = await runUpdate(() =>
      handle.executeUpdate(rescheduleMeetingUpdate, {
        args: [{ requestId, eventId: eventId!, change }],
        updateId: `reschedule:${eventId}:${requestId}`,
      }),
    );
    response.json(meeting);
  });

  router.delete('/v1/connections/:connectionId/meetings/:eventId', async (request, response) => {
    const { row, requestId, eventId } = await loadFor(response, request.params, request.query, request.headers);
    requireUsable(row);
    await outboundEvent(row, eventId!, true);
    const handle = temporal.workflow.getHandle(connectionWorkflowId(row.id));
    const result = await runUpdate(() =>
      handle.executeUpdate(cancelMeetingUpdate, { args: [{ requestId, eventId: eventId! }], updateId: `cancel:${eventId}:${requestId}` }),
    );
    response.json(result);
  });

  return router;
}
