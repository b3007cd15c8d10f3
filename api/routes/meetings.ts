// Meetings scheduled from the CRM, written through the connection's workflow as Temporal updates. The
// Idempotency-Key header is both the update's requestId and (prefixed) its update id, so a retried
// request attaches to the first one and returns the same meeting instead of creating another.
import { outboundEventRow } from '../../data/events';
import { cancelMeetingUpdate, rescheduleMeetingUpdate, scheduleMeetingUpdate } from '../../workflows/connection/messages';
import { PERMISSIONS } from '../auth/permissions';
import { writableConnection } from '../connection-access';
import { ApiError } from '../routing/errors';
import { answeringFailures } from '../routing/failure-responses';
import { route } from '../routing/route';
import {
  cancelledMeetingResponse,
  connectionParams,
  idempotencyHeaders,
  meetingParams,
  meetingResponse,
  rescheduleMeetingBody,
  scheduleMeetingBody,
} from '../schemas';

const meetingRoute = {
  tag: 'Meetings',
  permission: PERMISSIONS.schedule,
  headers: idempotencyHeaders,
  idempotent: true,
  errors: [404, 409, 422, 502],
} as const;

export const meetingRoutes = [
  route({
    ...meetingRoute,
    method: 'post',
    path: '/v1/connections/{connectionId}/meetings',
    summary: "Schedule a meeting in the connection's calendar (idempotent per Idempotency-Key)",
    params: connectionParams,
    body: scheduleMeetingBody,
    responses: { 201: { description: 'Scheduled (or the meeting an earlier request with this key scheduled)', schema: meetingResponse } },
  }).handle(async ({ caller, params, headers, body }, { db, workflows }) => {
    const row = await writableConnection(db, caller, params.connectionId);
    const requestId = headers['idempotency-key'];
    const meeting = await answeringFailures('Meeting', () =>
      workflows.update(row, scheduleMeetingUpdate, [{ requestId, ...body }], { updateId: `schedule:${requestId}` }),
    );
    return { status: 201, body: meeting };
  }),
  route({
    ...meetingRoute,
    method: 'patch',
    path: '/v1/connections/{connectionId}/meetings/{eventId}',
    summary: 'Reschedule or edit a meeting scheduled through this API',
    params: meetingParams,
    body: rescheduleMeetingBody,
    responses: { 200: { description: 'Rescheduled', schema: meetingResponse } },
  }).handle(async ({ caller, params: { connectionId, eventId }, headers, body: change }, { db, workflows }) => {
    const row = await writableConnection(db, caller, connectionId);
    const event = await outboundEventRow(db, row.id, eventId);
    if (!event || event.status === 'cancelled') throw ApiError.notFound('Meeting');
    const requestId = headers['idempotency-key'];
    const meeting = await answeringFailures('Meeting', () =>
      workflows.update(row, rescheduleMeetingUpdate, [{ requestId, eventId, change }], { updateId: `reschedule:${eventId}:${requestId}` }),
    );
    return { status: 200, body: meeting };
  }),
  route({
    ...meetingRoute,
    method: 'delete',
    path: '/v1/connections/{connectionId}/meetings/{eventId}',
    summary: 'Cancel a meeting scheduled through this API',
    params: meetingParams,
    responses: { 200: { description: 'Cancelled', schema: cancelledMeetingResponse } },
  }).handle(async ({ caller, params: { connectionId, eventId }, headers }, { db, workflows }) => {
    const row = await writableConnection(db, caller, connectionId);
    // A cancelled meeting is still found: a retried cancel returns the first answer (same update id).
    if (!(await outboundEventRow(db, row.id, eventId))) throw ApiError.notFound('Meeting');
    const requestId = headers['idempotency-key'];
    const result = await answeringFailures('Meeting', () =>
      workflows.update(row, cancelMeetingUpdate, [{ requestId, eventId }], { updateId: `cancel:${eventId}:${requestId}` }),
    );
    return { status: 200, body: result };
  }),
];
