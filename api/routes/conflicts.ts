// Conflicts of two-way sync (an event changed in the CRM and in the calendar since the last synced
// version): listed with the base, both versions and the policy's choice, and resolved by hand. A manual
// choice goes through the connection's workflow and is written to both sides.
import { Router } from 'express';
import type { Prisma } from '../../db/client';
import { connectionWorkflowId, resolveConflictUpdate } from '../../workflows/connection/messages';
import { requirePermission } from '../auth/middleware';
import { PERMISSIONS } from '../auth/permissions';
import type { ApiContext } from '../dependencies';
import { ApiError } from '../errors';
import { standardErrors, type RouteDoc } from '../route-docs';
import {
  conflictListResponse,
  conflictParams,
  conflictsQuery,
  idempotencyHeaders,
  noQuery,
  resolveConflictBody,
  resolvedConflictResponse,
} from '../schemas';
import { parseInput } from '../validation';
import { twoWayFailureToApiError } from './event-edits';
import { UPDATE_TIMEOUT_MS } from './meetings';

export const conflictRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/conflicts',
    summary: "Conflicts on the caller's connections (the organization's with ce.calendar.view-all), newest first",
    tag: 'Conflicts',
    auth: true,
    permission: PERMISSIONS.view,
    query: conflictsQuery,
    responses: { 200: { description: 'Conflicts', schema: conflictListResponse }, ...standardErrors() },
  },
  {
    method: 'post',
    path: '/v1/conflicts/{conflictId}/resolve',
    summary: 'Resolve a conflict by hand: the chosen version is written to the calendar and the CRM',
    tag: 'Conflicts',
    auth: true,
    permission: PERMISSIONS.schedule,
    params: conflictParams,
    query: noQuery,
    headers: idempotencyHeaders,
    body: resolveConflictBody,
    responses: {
      200: { description: 'Resolved', schema: resolvedConflictResponse },
      ...standardErrors([404, 409]),
      502: { description: 'The provider failed' },
    },
  },
];

const parsed = (json: string | null) => (json ? (JSON.parse(json) as unknown) : null);

export function conflictsRouter(ctx: ApiContext): Router {
  const { db, temporal } = ctx;
  const router = Router();

  router.get('/v1/conflicts', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.view);
    const query = parseInput(conflictsQuery, request.query, 'query');
    const viewAll = caller.permissions.has(PERMISSIONS.viewAll);
    const where: Prisma.EventConflictWhereInput = {
      event: {
        organizationId: caller.organizationId,
        ...(query.connectionId ? { connectionId: query.connectionId } : {}),
        ...(viewAll ? {} : { connection: { userId: caller.userId } }),
      },
      ...(query.policy ? { policy: query.policy } : {}),
    };
    const rows = await db.eventConflict.findMany({
      where,
      include: { event: { select: { connectionId: true } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: query.limit,
    });
    response.json({
      conflicts: rows.map((row) => ({
        id: row.id,
        eventId: row.eventId,
        connectionId: row.event.connectionId,
        base: parsed(row.baseVersion),
        local: parsed(row.localVersion),
        remote: parsed(row.remoteVersion),
        policy: row.policy,
        resolution: row.resolution,
        resolved: parsed(row.resolvedVersion),
        resolvedBy: row.resolvedBy,
        createdAt: row.createdAt.toISOString(),
        resolvedAt: row.resolvedAt?.toISOString() ?? null,
      })),
    });
  });

  router.post('/v1/conflicts/:conflictId/resolve', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.schedule);
    const { conflictId } = parseInput(conflictParams, request.params, 'params');
    parseInput(noQuery, request.query, 'query');
    const { 'idempotency-key': requestId } = parseInput(idempotencyHeaders, request.headers, 'headers');
    const body = parseInput(resolveConflictBody, request.body ?? {}, 'body');
    // Only the owner of the event's connection writes to its calendar.
    const conflict = await db.eventConflict.findFirst({
      where: { id: conflictId, event: { organizationId: caller.organizationId, connection: { userId: caller.userId } } },
      include: { event: { include: { connection: true } } },
    });
    if (!conflict) throw ApiError.notFound('Conflict');
    const connection = conflict.event.connection;
    if (connection.status === 'disconnected') throw new ApiError(409, 'connection_disconnected', 'The connection is disconnected');
    if (connection.status === 'needs_reconnect')
      throw new ApiError(409, 'reconnect_required', 'The calendar account revoked access; reconnect it');
    const handle = temporal.workflow.getHandle(connectionWorkflowId(connection.id));
    try {
      const resolved = await temporal.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, () =>
        handle.executeUpdate(resolveConflictUpdate, {
          args: [{ requestId, conflictId, choice: body.choice, ...(body.merged ? { merged: body.merged } : {}), actor: caller.userId }],
          updateId: `resolve:${conflictId}:${requestId}`,
        }),
      );
      response.json(resolved);
    } catch (error) {
      throw twoWayFailureToApiError(error, 'Conflict') ?? error;
    }
  });

  return router;
}
