// Connections of the calling user: start connecting (OAuth authorization URL), list and read them with
// their workflow status, request a sync, disconnect, and reconnect (a new authorization for the same
// account). Only the owner sees or changes a connection.
import { z } from 'zod';
import { withTenantScope } from '../../db/tenant-scope';
import { mapWithConcurrency } from '../../services/bounded-concurrency';
import { disconnectSignal, syncNowSignal } from '../../workflows/connection/messages';
import { PERMISSIONS } from '../auth/permissions';
import { disconnected, ownedConnection, userControlledConnection } from '../connection-access';
import { failureAnswer } from '../routing/failure-responses';
import { ApiError } from '../routing/errors';
import { route } from '../routing/route';
import {
  acceptedResponse,
  authorizationResponse,
  connectionListQuery,
  connectionListResponse,
  connectionParams,
  connectionResponse,
  createConnectionBody,
} from '../schemas';
import { connectionView } from '../views/connection-view';
import { decodeKeysetCursor, pageOf } from '../views/keyset-cursor';

const STATUS_QUERIES_AT_ONCE = 8;
const emptyBody = z.union([z.strictObject({}), z.undefined()]);

export const connectionRoutes = [
  route({
    method: 'post',
    path: '/v1/connections',
    summary: 'Start connecting a calendar: returns the provider authorization URL to open',
    tag: 'Connections',
    permission: PERMISSIONS.connect,
    body: createConnectionBody,
    responses: { 201: { description: 'Authorization started', schema: authorizationResponse } },
  }).handle(async ({ caller, body }, { providers, connecting }) => {
    if (!providers.has(body.provider)) throw ApiError.invalid('body.provider', 'not configured');
    const started = await connecting.startConnecting({
      organizationId: caller.organizationId,
      userId: caller.userId,
      provider: body.provider,
      ...(body.loginHint ? { loginHint: body.loginHint } : {}),
    });
    return { status: 201, body: { authorizationUrl: started.authorizationUrl, expiresAt: started.expiresAt.toISOString() } };
  }),
  route({
    method: 'get',
    path: '/v1/connections',
    summary: "The caller's connections with their sync status, oldest first, a page at a time",
    tag: 'Connections',
    permission: PERMISSIONS.view,
    query: connectionListQuery,
    responses: { 200: { description: 'Connections', schema: connectionListResponse } },
  }).handle(async ({ caller, query }, { db, workflows }) => {
    const after = query.cursor ? decodeKeysetCursor(query.cursor) : undefined;
    // Tenant-scoped: on PostgreSQL, row-level security limits this read to the caller's organization.
    const rows = await withTenantScope(db, caller.organizationId, (tx) =>
      tx.calendarConnection.findMany({
        where: {
          organizationId: caller.organizationId,
          userId: caller.userId,
          ...(query.includeDisconnected === 'true' ? {} : { status: { not: 'disconnected' } }),
          ...(after ? { OR: [{ createdAt: { gt: after.at } }, { createdAt: after.at, id: { gt: after.id } }] } : {}),
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: query.limit + 1,
      }),
    );
    const { page, nextCursor } = pageOf(rows, query.limit, (row) => ({ at: row.createdAt, id: row.id }));
    // A few workflow queries at a time: a page of hundreds of connections must not fan out hundreds at once.
    const statuses = await mapWithConcurrency(page, STATUS_QUERIES_AT_ONCE, (row) =>
      row.status === 'disconnected' ? Promise.resolve(null) : workflows.status(row.id),
    );
    return {
      status: 200,
      body: { connections: page.map((row, index) => connectionView(row, statuses[index] ?? null)), nextCursor },
    };
  }),
  route({
    method: 'get',
    path: '/v1/connections/{connectionId}',
    summary: 'One connection with its sync status',
    tag: 'Connections',
    permission: PERMISSIONS.view,
    params: connectionParams,
    responses: { 200: { description: 'The connection', schema: connectionResponse } },
    errors: [404],
  }).handle(async ({ caller, params }, { db, workflows }) => {
    const row = await ownedConnection(db, caller, params.connectionId);
    const status = row.status === 'disconnected' ? null : await workflows.status(row.id);
    return { status: 200, body: connectionView(row, status) };
  }),
  route({
    method: 'delete',
    path: '/v1/connections/{connectionId}',
    summary:
      'Disconnect: stops push channels, revokes the grant and deletes the tokens (asynchronously); organization-managed: admins only',
    tag: 'Connections',
    permission: PERMISSIONS.connect,
    params: connectionParams,
    responses: { 202: { description: 'Disconnect requested', schema: acceptedResponse } },
    errors: [404],
  }).handle(async ({ caller, params }, { db, workflows }) => {
    // Organization-managed: only an admin (403 organization_managed for its user).
    const row = await userControlledConnection(db, caller, params.connectionId);
    // Already disconnected: nothing to do, same answer (DELETE is idempotent).
    if (row.status !== 'disconnected') await workflows.signal(row, disconnectSignal);
    return { status: 202, body: { connectionId: row.id, status: 'accepted' as const } };
  }),
  route({
    method: 'post',
    path: '/v1/connections/{connectionId}/sync',
    summary: 'Request a sync now',
    tag: 'Connections',
    permission: PERMISSIONS.connect,
    params: connectionParams,
    body: emptyBody,
    responses: { 202: { description: 'Sync requested', schema: acceptedResponse } },
    errors: [404, 409],
  }).handle(async ({ caller, params }, { db, workflows }) => {
    const row = await ownedConnection(db, caller, params.connectionId);
    if (row.status === 'disconnected') throw disconnected();
    await workflows.signal(row, syncNowSignal, { reason: 'manual' });
    return { status: 202, body: { connectionId: row.id, status: 'accepted' as const } };
  }),
  route({
    method: 'post',
    path: '/v1/connections/{connectionId}/reconnect',
    summary: 'Start a new authorization for the same account (after access was revoked)',
    tag: 'Connections',
    permission: PERMISSIONS.connect,
    params: connectionParams,
    body: emptyBody,
    responses: { 201: { description: 'Authorization started', schema: authorizationResponse } },
    errors: [404, 409],
  }).handle(async ({ caller, params }, { db, connecting }) => {
    const row = await ownedConnection(db, caller, params.connectionId);
    // Its tokens come from the organization's grant: only an admin's action there brings it back.
    if (row.organizationConnectionId) throw failureAnswer({ code: 'organization_managed' }, 'Connection');
    const started = await connecting.startConnecting({
      organizationId: caller.organizationId,
      userId: caller.userId,
      provider: row.provider as 'google' | 'microsoft',
      loginHint: row.externalAccountEmail,
      reconnectConnectionId: row.id,
    });
    return { status: 201, body: { authorizationUrl: started.authorizationUrl, expiresAt: started.expiresAt.toISOString() } };
  }),
];
