// Conflicts of two-way sync (an event changed in the CRM and in the calendar since the last synced
// version): listed with the base, both versions and the policy's choice, and resolved by hand. A manual
// choice goes through the connection's workflow and is written to both sides.
import type { Prisma } from '../../db/client';
import { resolveConflictUpdate } from '../../workflows/connection/messages';
import { PERMISSIONS } from '../auth/permissions';
import { disconnected } from '../connection-access';
import { ApiError } from '../routing/errors';
import { answeringFailures } from '../routing/failure-responses';
import { route } from '../routing/route';
import {
  conflictListResponse,
  conflictParams,
  conflictsQuery,
  idempotencyHeaders,
  resolveConflictBody,
  resolvedConflictResponse,
} from '../schemas';

const parsedJson = (json: string | null) => (json ? (JSON.parse(json) as never) : null);

export const conflictRoutes = [
  route({
    method: 'get',
    path: '/v1/conflicts',
    summary: "Conflicts on the caller's connections (the organization's with ce.calendar.view-all), newest first",
    tag: 'Conflicts',
    permission: PERMISSIONS.view,
    query: conflictsQuery,
    responses: { 200: { description: 'Conflicts', schema: conflictListResponse } },
  }).handle(async ({ caller, query }, { db }) => {
    const viewAll = caller.permissions.has(PERMISSIONS.viewAll);
    const where: Prisma.EventConflictWhereInput = {
      event: {
        organizationId: caller.organizationId,
        ...(query.connectionId ? { connectionId: query.connectionId } : {}),
        // view-all shows colleagues' conflicts, except those of events they marked private.
        ...(viewAll
          ? { OR: [{ connection: { userId: caller.userId } }, { isPrivate: false }] }
          : { connection: { userId: caller.userId } }),
      },
      ...(query.policy ? { policy: query.policy } : {}),
    };
    const rows = await db.eventConflict.findMany({
      where,
      include: { event: { select: { connectionId: true } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: query.limit,
    });
    const conflicts = rows.map((row) => ({
      id: row.id,
      eventId: row.eventId,
      connectionId: row.event.connectionId,
      base: parsedJson(row.baseVersion),
      local: parsedJson(row.localVersion)!,
      remote: parsedJson(row.remoteVersion)!,
      policy: row.policy as 'last_write_wins' | 'manual',
      resolution: row.resolution as 'local' | 'remote' | 'merged' | null,
      resolved: parsedJson(row.resolvedVersion),
      resolvedBy: row.resolvedBy,
      createdAt: row.createdAt.toISOString(),
      resolvedAt: row.resolvedAt?.toISOString() ?? null,
    }));
    return { status: 200, body: { conflicts } };
  }),
  route({
    method: 'post',
    path: '/v1/conflicts/{conflictId}/resolve',
    summary: 'Resolve a conflict by hand: the chosen version is written to the calendar and the CRM',
    tag: 'Conflicts',
    permission: PERMISSIONS.schedule,
    params: conflictParams,
    headers: idempotencyHeaders,
    idempotent: true,
    body: resolveConflictBody,
    responses: { 200: { description: 'Resolved', schema: resolvedConflictResponse } },
    errors: [404, 409, 502],
  }).handle(async ({ caller, params: { conflictId }, headers, body }, { db, workflows }) => {
    // Only the owner of the event's connection writes to its calendar.
    const conflict = await db.eventConflict.findFirst({
      where: { id: conflictId, event: { organizationId: caller.organizationId, connection: { userId: caller.userId } } },
      include: { event: { include: { connection: true } } },
    });
    if (!conflict) throw ApiError.notFound('Conflict');
    const connection = conflict.event.connection;
    if (connection.status === 'disconnected') throw disconnected();
    if (connection.status === 'needs_reconnect')
      throw new ApiError(409, 'reconnect_required', 'The calendar account revoked access; reconnect it');
    const requestId = headers['idempotency-key'];
    const input = { requestId, conflictId, choice: body.choice, ...(body.merged ? { merged: body.merged } : {}), actor: caller.userId };
    const resolved = await answeringFailures('Conflict', () =>
      workflows.update(connection, resolveConflictUpdate, [input], { updateId: `resolve:${conflictId}:${requestId}` }),
    );
    return { status: 200, body: resolved };
  }),
];
