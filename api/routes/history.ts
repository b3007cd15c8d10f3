// The change history of one synced event: every change applied to it, inbound or outbound, with the
// fields before and after (ce_calendar_event_changes). The owner or view-all holders may read it.
import { Router } from 'express';
import { requirePermission } from '../auth/middleware';
import { PERMISSIONS } from '../auth/permissions';
import { viewableConnection } from '../connection-access';
import type { ApiContext } from '../dependencies';
import { ApiError } from '../errors';
import { standardErrors, type RouteDoc } from '../route-docs';
import { eventHistoryResponse, eventParams, noQuery } from '../schemas';
import { parseInput } from '../validation';

export const historyRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/connections/{connectionId}/events/{eventId}/history',
    summary: 'The change history of a synced event, oldest first',
    tag: 'Events',
    auth: true,
    permission: PERMISSIONS.view,
    params: eventParams,
    query: noQuery,
    responses: { 200: { description: 'Every applied change', schema: eventHistoryResponse }, ...standardErrors([404]) },
  },
];

const parsed = (json: string | null) => (json ? (JSON.parse(json) as Record<string, unknown>) : null);

export function historyRouter({ db }: ApiContext): Router {
  const router = Router();

  router.get('/v1/connections/:connectionId/events/:eventId/history', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.view);
    const { connectionId, eventId } = parseInput(eventParams, request.params, 'params');
    parseInput(noQuery, request.query, 'query');
    await viewableConnection(db, caller, connectionId);
    const event = await db.calendarEvent.findFirst({
      where: { id: eventId, connectionId, organizationId: caller.organizationId },
      select: { id: true },
    });
    if (!event) throw ApiError.notFound('Event');
    const changes = await db.eventChange.findMany({ where: { eventId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    response.json({
      eventId,
      changes: changes.map((change) => ({
        id: change.id,
        direction: change.direction,
        source: change.source,
        actor: change.actor,
        before: parsed(change.fieldsBefore),
        after: parsed(change.fieldsAfter) ?? {},
        at: change.createdAt.toISOString(),
      })),
    });
  });

  return router;
}
