// Synced events: of one connection (its owner, or view-all holders of the organization), or across the
// organization (view-all) / across the caller's own connections (view only).
import { Router } from 'express';
import { requirePermission } from '../auth/middleware';
import { PERMISSIONS } from '../auth/permissions';
import { viewableConnection } from '../connection-access';
import type { ApiContext } from '../dependencies';
import { ApiError } from '../errors';
import { listEvents } from '../event-page';
import { standardErrors, type RouteDoc } from '../route-docs';
import { connectionEventsQuery, connectionParams, eventPageResponse, orgEventsQuery } from '../schemas';
import { parseInput } from '../validation';

export const eventRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/connections/{connectionId}/events',
    summary: "A connection's synced events overlapping [from, to), by start time",
    tag: 'Events',
    auth: true,
    permission: PERMISSIONS.view,
    params: connectionParams,
    query: connectionEventsQuery,
    responses: { 200: { description: 'A page of events', schema: eventPageResponse }, ...standardErrors([404]) },
  },
  {
    method: 'get',
    path: '/v1/events',
    summary: "Events of the caller's connections, or of the whole organization with ce.calendar.view-all",
    tag: 'Events',
    auth: true,
    permission: PERMISSIONS.view,
    query: orgEventsQuery,
    responses: { 200: { description: 'A page of events', schema: eventPageResponse }, ...standardErrors() },
  },
];

export function eventsRouter({ db }: ApiContext): Router {
  const router = Router();

  router.get('/v1/connections/:connectionId/events', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.view);
    const { connectionId } = parseInput(connectionParams, request.params, 'params');
    const query = parseInput(connectionEventsQuery, request.query, 'query');
    await viewableConnection(db, caller, connectionId);
    response.json(await listEvents(db, { organizationId: caller.organizationId, connectionIds: [connectionId], ...query }, caller.userId));
  });

  router.get('/v1/events', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.view);
    const query = parseInput(orgEventsQuery, request.query, 'query');
    const viewAll = caller.permissions.has(PERMISSIONS.viewAll);
    if (!viewAll && query.userId && query.userId !== caller.userId) {
      throw new ApiError(403, 'forbidden', `Missing permission ${PERMISSIONS.viewAll}`, [
        { field: 'query.userId', message: `requires ${PERMISSIONS.viewAll}` },
      ]);
    }
    const userId = viewAll ? query.userId : caller.userId;
    response.json(await listEvents(db, { organizationId: caller.organizationId, ...query, ...(userId ? { userId } : {}) }, caller.userId));
  });

  return router;
}
