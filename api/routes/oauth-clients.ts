// An organization's own ("bring your own") OAuth client, for org admins (services/oauth/organization-clients.ts).
import { PERMISSIONS } from '../auth/permissions';
import { route } from '../routing/route';
import {
  deactivateOrganizationClients,
  listOrganizationClients,
  registerOrganizationClient,
} from '../../services/oauth/organization-clients';
import {
  oauthClientDeactivatedResponse,
  oauthClientListResponse,
  oauthClientProviderParams,
  oauthClientResponse,
  putOAuthClientBody,
} from '../schemas';

export const oauthClientRoutes = [
  route({
    method: 'get',
    path: '/v1/oauth-clients',
    summary: "The organization's own OAuth clients (client ids only; secrets are never returned)",
    tag: 'OAuth clients',
    permission: PERMISSIONS.admin,
    responses: { 200: { description: 'Clients, newest first', schema: oauthClientListResponse } },
  }).handle(async ({ caller }, ctx) => {
    return { status: 200, body: { clients: await listOrganizationClients(ctx, caller.organizationId) } };
  }),
  route({
    method: 'put',
    path: '/v1/oauth-clients/{provider}',
    summary: "Register the organization's own OAuth client for new connections (replaces the active one; the secret is write-only)",
    tag: 'OAuth clients',
    permission: PERMISSIONS.admin,
    params: oauthClientProviderParams,
    body: putOAuthClientBody,
    responses: { 200: { description: 'The now active client', schema: oauthClientResponse } },
  }).handle(async ({ caller, params, body }, ctx) => {
    const client = await registerOrganizationClient(ctx, {
      organizationId: caller.organizationId,
      provider: params.provider,
      ...body,
      createdBy: caller.userId,
    });
    return { status: 200, body: client };
  }),
  route({
    method: 'delete',
    path: '/v1/oauth-clients/{provider}',
    summary: "Stop using the organization's own client for new connections (existing connections keep it)",
    tag: 'OAuth clients',
    permission: PERMISSIONS.admin,
    params: oauthClientProviderParams,
    responses: { 200: { description: 'How many clients were deactivated', schema: oauthClientDeactivatedResponse } },
  }).handle(async ({ caller, params }, ctx) => {
    const deactivated = await deactivateOrganizationClients(ctx, { organizationId: caller.organizationId, provider: params.provider });
    return { status: 200, body: { provider: params.provider, deactivated } };
  }),
];
