// An organization's own ("bring your own") Google OAuth client, managed by org admins. The client secret is
// write-only: sealed in the credential vault (kind oauth_client_secret) and never returned or logged. New
// Google connections of the organization use the active client (services/oauth-clients.ts) and record it;
// existing connections keep the client they connected with, also after it is replaced or deactivated.
import { Router } from 'express';
import { withTenantScope } from '../../db/tenant-scope';
import { requirePermission } from '../auth/middleware';
import { PERMISSIONS } from '../auth/permissions';
import type { ApiContext } from '../dependencies';
import { standardErrors, type RouteDoc } from '../route-docs';
import {
  noQuery,
  oauthClientDeactivatedResponse,
  oauthClientListResponse,
  oauthClientProviderParams,
  oauthClientResponse,
  putOAuthClientBody,
} from '../schemas';
import { parseInput } from '../validation';

export const oauthClientRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/oauth-clients',
    summary: "The organization's own OAuth clients (client ids only; secrets are never returned)",
    tag: 'OAuth clients',
    auth: true,
    permission: PERMISSIONS.admin,
    query: noQuery,
    responses: { 200: { description: 'Clients, newest first', schema: oauthClientListResponse }, ...standardErrors() },
  },
  {
    method: 'put',
    path: '/v1/oauth-clients/{provider}',
    summary: "Register the organization's own OAuth client for new connections (replaces the active one; the secret is write-only)",
    tag: 'OAuth clients',
    auth: true,
    permission: PERMISSIONS.admin,
    params: oauthClientProviderParams,
    query: noQuery,
    body: putOAuthClientBody,
    responses: { 200: { description: 'The now active client', schema: oauthClientResponse }, ...standardErrors() },
  },
  {
    method: 'delete',
    path: '/v1/oauth-clients/{provider}',
    summary: "Stop using the organization's own client for new connections (existing connections keep it)",
    tag: 'OAuth clients',
    auth: true,
    permission: PERMISSIONS.admin,
    params: oauthClientProviderParams,
    query: noQuery,
    responses: { 200: { description: 'How many clients were deactivated', schema: oauthClientDeactivatedResponse }, ...standardErrors() },
  },
];

export function oauthClientsRouter({ db, vault, logger }: ApiContext): Router {
  const router = Router();

  async function view(id: string) {
    const client = await db.oAuthClient.findUniqueOrThrow({ where: { id } });
    const connections = await db.calendarConnection.count({ where: { oauthClientId: id, status: { not: 'disconnected' } } });
    return {
      id: client.id,
      provider: 'google' as const,
      clientId: client.clientId,
      active: client.active,
      createdAt: client.createdAt.toISOString(),
      connections,
    };
  }

  router.get('/v1/oauth-clients', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.admin);
    parseInput(noQuery, request.query, 'query');
    const clients = await withTenantScope(db, caller.organizationId, async (tx) => {
      const rows = await tx.oAuthClient.findMany({
        where: { organizationId: caller.organizationId },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      });
      // Connection counts read under row-level security (PostgreSQL): only this organization's connections.
      return Promise.all(
        rows.map(async (client) => ({
          id: client.id,
          provider: 'google' as const,
          clientId: client.clientId,
          active: client.active,
          createdAt: client.createdAt.toISOString(),
          connections: await tx.calendarConnection.count({ where: { oauthClientId: client.id, status: { not: 'disconnected' } } }),
        })),
      );
    });
    response.json({ clients });
  });

  router.put('/v1/oauth-clients/:provider', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.admin);
    const { provider } = parseInput(oauthClientProviderParams, request.params, 'params');
    parseInput(noQuery, request.query, 'query');
    const body = parseInput(putOAuthClientBody, request.body ?? {}, 'body');
    const organizationId = caller.organizationId;
    await db.organization.upsert({ where: { id: organizationId }, create: { id: organizationId }, update: {} });
    const id = await db.$transaction(async (tx) => {
      const clientSecretCredentialId = await vault
        .using(tx)
        .put({ kind: 'oauth_client_secret', organizationId, secret: body.clientSecret });
      // Replaced clients stay (inactive) with their secret: the connections made with them still refresh.
      await tx.oAuthClient.updateMany({ where: { organizationId, provider, active: true }, data: { active: false } });
      const created = await tx.oAuthClient.create({
        data: { organizationId, provider, clientId: body.clientId, clientSecretCredentialId, active: true, createdBy: caller.userId },
      });
      return created.id;
    });
    logger.info({ organizationId, provider, oauthClientId: id }, 'organization OAuth client registered');
    response.json(await view(id));
  });

  router.delete('/v1/oauth-clients/:provider', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.admin);
    const { provider } = parseInput(oauthClientProviderParams, request.params, 'params');
    parseInput(noQuery, request.query, 'query');
    const { count } = await db.oAuthClient.updateMany({
      where: { organizationId: caller.organizationId, provider, active: true },
      data: { active: false },
    });
    logger.info({ organizationId: caller.organizationId, provider, deactivated: count }, 'organization OAuth client deactivated');
    response.json({ provider, deactivated: count });
  });

  return router;
}
