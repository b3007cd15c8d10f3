// Connections of the calling user: start connecting (OAuth authorization URL), list and read them with
// their workflow status, request a sync, disconnect, and reconnect (a new authorization for the same
// account). Only the owner sees or changes a connection.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { withTenantScope } from '../../db/tenant-scope';
import { disconnectSignal, syncNowSignal } from '../../workflows/connection/messages';
import { requirePermission } from '../auth/middleware';
import { PERMISSIONS, type Permission } from '../auth/permissions';
import { ownedConnection } from '../connection-access';
import { connectionView, queryStatus } from '../connection-status';
import type { ApiContext } from '../dependencies';
import { ApiError } from '../errors';
import { standardErrors, type RouteDoc } from '../route-docs';
import {
  acceptedResponse,
  authorizationResponse,
  connectionListResponse,
  connectionParams,
  connectionResponse,
  createConnectionBody,
  noQuery,
} from '../schemas';
import { parseInput } from '../validation';
import { signalConnection } from '../workflow-signals';

const listQuery = z.strictObject({ includeDisconnected: z.enum(['true', 'false']).optional() });
const emptyBody = z.union([z.strictObject({}), z.undefined()]);

export const connectionRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/connections',
    summary: 'Start connecting a calendar: returns the provider authorization URL to open',
    tag: 'Connections',
    auth: true,
    permission: PERMISSIONS.connect,
    body: createConnectionBody,
    responses: { 201: { description: 'Authorization started', schema: authorizationResponse }, ...standardErrors() },
  },
  {
    method: 'get',
    path: '/v1/connections',
    summary: "The caller's connections with their sync status",
    tag: 'Connections',
    auth: true,
    permission: PERMISSIONS.view,
    query: listQuery,
    responses: { 200: { description: 'Connections', schema: connectionListResponse }, ...standardErrors() },
  },
  {
    method: 'get',
    path: '/v1/connections/{connectionId}',
    summary: 'One connection with its sync status',
    tag: 'Connections',
    auth: true,
    permission: PERMISSIONS.view,
    params: connectionParams,
    query: noQuery,
    responses: { 200: { description: 'The connection', schema: connectionResponse }, ...standardErrors([404]) },
  },
  {
    method: 'delete',
    path: '/v1/connections/{connectionId}',
    summary: 'Disconnect: stops push channels, revokes the grant and deletes the tokens (asynchronously)',
    tag: 'Connections',
    auth: true,
    permission: PERMISSIONS.connect,
    params: connectionParams,
    query: noQuery,
    responses: { 202: { description: 'Disconnect requested', schema: acceptedResponse }, ...standardErrors([404]) },
  },
  {
    method: 'post',
    path: '/v1/connections/{connectionId}/sync',
    summary: 'Request a sync now',
    tag: 'Connections',
    auth: true,
    permission: PERMISSIONS.connect,
    params: connectionParams,
    query: noQuery,
    body: emptyBody,
    responses: { 202: { description: 'Sync requested', schema: acceptedResponse }, ...standardErrors([404, 409]) },
  },
  {
    method: 'post',
    path: '/v1/connections/{connectionId}/reconnect',
    summary: 'Start a new authorization for the same account (after access was revoked)',
    tag: 'Connections',
    auth: true,
    permission: PERMISSIONS.connect,
    params: connectionParams,
    query: noQuery,
    body: emptyBody,
    responses: { 201: { description: 'Authorization started', schema: authorizationResponse }, ...standardErrors([404, 409]) },
  },
];

export function connectionsRouter(ctx: ApiContext): Router {
  const { db, temporal, connections, providers } = ctx;
  const router = Router();

  router.post('/v1/connections', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.connect);
    parseInput(noQuery, request.query, 'query');
    const body = parseInput(createConnectionBody, request.body ?? {}, 'body');
    if (!providers.has(body.provider))
      throw new ApiError(400, 'invalid_request', 'body.provider: not configured', [{ field: 'body.provider', message: 'not configured' }]);
    const started = await connections.startConnecting({
      organizationId: caller.organizationId,
      userId: caller.userId,
      provider: body.provider,
      ...(body.loginHint ? { loginHint: body.loginHint } : {}),
    });
    response.status(201).json({ authorizationUrl: started.authorizationUrl, expiresAt: started.expiresAt.toISOString() });
  });

  router.get('/v1/connections', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.view);
    const query = parseInput(listQuery, request.query, 'query');
    // Tenant-scoped: on PostgreSQL, row-level security limits this read to the caller's organization.
    const rows = await withTenantScope(db, caller.organizationId, (tx) =>
      tx.calendarConnection.findMany({
        where: {
          organizationId: caller.organizationId,
          userId: caller.userId,
          ...(query.includeDisconnected === 'true' ? {} : { status: { not: 'disconnected' } }),
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    );
    const statuses = await Promise.all(rows.map((row) => (row.status === 'disconnected' ? null : queryStatus(temporal, row.id))));
    response.json({ connections: rows.map((row, index) => connectionView(row, statuses[index] ?? null)) });
  });

  /** Shared by the per-connection routes: permission, path id, no query (and an empty body), the caller's own row. */
  async function callersConnection(request: Request, response: Response, permission: Permission, options: { emptyBody?: boolean } = {}) {
    const caller = requirePermission(response, permission);
    const { connectionId } = parseInput(connectionParams, request.params, 'params');
    parseInput(noQuery, request.query, 'query');
    if (options.emptyBody) parseInput(emptyBody, request.body, 'body');
    return { caller, connectionId, row: await ownedConnection(db, caller, connectionId) };
  }

  router.get('/v1/connections/:connectionId', async (request, response) => {
    const { row } = await callersConnection(request, response, PERMISSIONS.view);
    const status = row.status === 'disconnected' ? null : await queryStatus(temporal, row.id);
    response.json(connectionView(row, status));
  });

  router.delete('/v1/connections/:connectionId', async (request, response) => {
    const { connectionId, row } = await callersConnection(request, response, PERMISSIONS.connect);
    // Already disconnected: nothing to do, same answer (DELETE is idempotent).
    if (row.status !== 'disconnected') await signalConnection(ctx, row, disconnectSignal);
    response.status(202).json({ connectionId, status: 'accepted' });
  });

  router.post('/v1/connections/:connectionId/sync', async (request, response) => {
    const { connectionId, row } = await callersConnection(request, response, PERMISSIONS.connect, { emptyBody: true });
    if (row.status === 'disconnected') throw new ApiError(409, 'connection_disconnected', 'The connection is disconnected');
    await signalConnection(ctx, row, syncNowSignal, { reason: 'manual' });
    response.status(202).json({ connectionId, status: 'accepted' });
  });

  router.post('/v1/connections/:connectionId/reconnect', async (request, response) => {
    const { caller, row } = await callersConnection(request, response, PERMISSIONS.connect, { emptyBody: true });
    const started = await connections.startConnecting({
      organizationId: caller.organizationId,
      userId: caller.userId,
      provider: row.provider as 'google' | 'microsoft',
      loginHint: row.externalAccountEmail,
      reconnectConnectionId: row.id,
    });
    response.status(201).json({ authorizationUrl: started.authorizationUrl, expiresAt: started.expiresAt.toISOString() });
  });

  return router;
}
