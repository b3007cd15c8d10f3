// Synced events: of one connection (its owner, or view-all holders of the organization), or across the
// organization (view-all) / across the caller's own connections (view only); one event, and its change history.
import type { ChangeSource } from '../../data/event-versions';
import { PERMISSIONS } from '../auth/permissions';
import { viewableConnection } from '../connection-access';
import { ApiError } from '../routing/errors';
import { route } from '../routing/route';
import {
  connectionEventsQuery,
  connectionParams,
  eventHistoryResponse,
  eventPageResponse,
  eventParams,
  eventResponse,
  orgEventsQuery,
} from '../schemas';
import { eventView, listEvents } from '../views/event-view';

const parsedJson = (json: string | null) => (json ? (JSON.parse(json) as Record<string, unknown>) : null);

export const eventRoutes = [
  route({
    method: 'get',
    path: '/v1/connections/{connectionId}/events',
    summary: "A connection's synced events overlapping [from, to), by start time",
    tag: 'Events',
    permission: PERMISSIONS.view,
    params: connectionParams,
    query: connectionEventsQuery,
    responses: { 200: { description: 'A page of events', schema: eventPageResponse } },
    errors: [404],
  }).handle(async ({ caller, params: { connectionId }, query }, { db }) => {
    await viewableConnection(db, caller, connectionId);
    const page = await listEvents(db, { organizationId: caller.organizationId, connectionIds: [connectionId], ...query }, caller.userId);
    return { status: 200, body: page };
  }),
  route({
    method: 'get',
    path: '/v1/events',
    summary: "Events of the caller's connections, or of the whole organization with ce.calendar.view-all",
    tag: 'Events',
    permission: PERMISSIONS.view,
    query: orgEventsQuery,
    responses: { 200: { description: 'A page of events', schema: eventPageResponse } },
  }).handle(async ({ caller, query }, { db }) => {
    const viewAll = caller.permissions.has(PERMISSIONS.viewAll);
    if (!viewAll && query.userId && query.userId !== caller.userId) {
      throw new ApiError(403, 'forbidden', `Missing permission ${PERMISSIONS.viewAll}`, [
        { field: 'query.userId', message: `requires ${PERMISSIONS.viewAll}` },
      ]);
    }
    const userId = viewAll ? query.userId : caller.userId;
    const page = await listEvents(db, { organizationId: caller.organizationId, ...query, ...(userId ? { userId } : {}) }, caller.userId);
    return { status: 200, body: page };
  }),
  route({
    method: 'get',
    path: '/v1/connections/{connectionId}/events/{eventId}',
    summary: 'One synced event (as the listings show it)',
    tag: 'Events',
    permission: PERMISSIONS.view,
    params: eventParams,
    responses: { 200: { description: 'The event', schema: eventResponse } },
    errors: [404],
  }).handle(async ({ caller, params: { connectionId, eventId } }, { db }) => {
    await viewableConnection(db, caller, connectionId);
    const row = await db.calendarEvent.findFirst({
      where: { id: eventId, connectionId, organizationId: caller.organizationId },
      include: { connection: { select: { userId: true, provider: true } } },
    });
    if (!row) throw ApiError.notFound('Event');
    return { status: 200, body: eventView(row, caller.userId) };
  }),
  route({
    method: 'get',
    path: '/v1/connections/{connectionId}/events/{eventId}/history',
    summary: 'The change history of a synced event, oldest first',
    tag: 'Events',
    permission: PERMISSIONS.view,
    params: eventParams,
    responses: { 200: { description: 'Every applied change', schema: eventHistoryResponse } },
    errors: [404],
  }).handle(async ({ caller, params: { connectionId, eventId } }, { db }) => {
    const connection = await viewableConnection(db, caller, connectionId);
    const event = await db.calendarEvent.findFirst({
      where: { id: eventId, connectionId, organizationId: caller.organizationId },
      select: { id: true, isPrivate: true },
    });
    // A private event's history (titles, places, people) is its owner's alone.
    if (!event || (event.isPrivate && connection.userId !== caller.userId)) throw ApiError.notFound('Event');
    const changes = await db.eventChange.findMany({ where: { eventId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    const history = changes.map((change) => ({
      id: change.id,
      direction: change.direction as 'inbound' | 'outbound',
      source: change.source as ChangeSource,
      actor: change.actor,
      before: parsedJson(change.fieldsBefore),
      after: parsedJson(change.fieldsAfter) ?? {},
      at: change.createdAt.toISOString(),
    }));
    return { status: 200, body: { eventId, changes: history } };
  }),
];
