// The mass-delete breaker's decision: when a sync would have deleted much of a calendar at once, the
// deletions wait (the connection shows `needs_attention` and `heldDeletions` with the numbers) until the
// connection's owner or an organization admin confirms them (the events are marked deleted) or dismisses
// them (the events stay). The decision runs in the connection's workflow, under its write lock.
import { resolveHeldDeletionsUpdate } from '../../workflows/connection/messages';
import { PERMISSIONS } from '../auth/permissions';
import type { Caller } from '../auth/verifier';
import { disconnected } from '../connection-access';
import type { ApiContext } from '../context';
import { answeringFailures } from '../routing/failure-responses';
import { ApiError } from '../routing/errors';
import { route } from '../routing/route';
import { heldDeletionsParams, heldDeletionsResolutionResponse, resolveHeldDeletionsBody } from '../schemas';

/** The owner (with ce.calendar.connect) or an admin of the organization (ce.calendar.admin). */
async function operableConnection(db: ApiContext['db'], caller: Caller, connectionId: string) {
  const row = await db.calendarConnection.findFirst({ where: { id: connectionId, organizationId: caller.organizationId } });
  const admin = caller.permissions.has(PERMISSIONS.admin);
  if (!row || (row.userId !== caller.userId && !admin)) throw ApiError.notFound('Connection');
  if (!admin && !caller.permissions.has(PERMISSIONS.connect)) {
    throw new ApiError(403, 'forbidden', `Missing permission ${PERMISSIONS.connect} (or ${PERMISSIONS.admin})`);
  }
  if (row.status === 'disconnected') throw disconnected();
  return row;
}

export const heldDeletionRoutes = [
  route({
    method: 'post',
    path: '/v1/connections/{connectionId}/held-deletions/{calendarId}',
    summary: 'Confirm or dismiss the deletions the mass-delete breaker holds for one calendar (owner or admin)',
    tag: 'Connections',
    permission: null,
    params: heldDeletionsParams,
    body: resolveHeldDeletionsBody,
    responses: { 200: { description: 'Resolved; what is still held', schema: heldDeletionsResolutionResponse } },
    errors: [403, 404, 409],
  }).handle(async ({ caller, params, body }, { db, workflows }) => {
    const row = await operableConnection(db, caller, params.connectionId);
    const input = { calendarId: params.calendarId, decision: body.decision, actor: caller.userId };
    const resolved = await answeringFailures('Calendar', () => workflows.update(row, resolveHeldDeletionsUpdate, [input]));
    return { status: 200, body: resolved };
  }),
];
