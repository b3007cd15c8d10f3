// Organization-wide connections, for org admins only (ce.calendar.admin): a Google Workspace domain through a
// service account with domain-wide delegation, a Microsoft 365 tenant through admin consent; enrolment of
// its users as organization-managed connections; removal (services/organization/).
import { PERMISSIONS } from '../auth/permissions';
import { answeringFailures } from '../routing/failure-responses';
import { ApiError } from '../routing/errors';
import { publicRoute, route } from '../routing/route';
import { completeAdminConsent, startAdminConsent } from '../../services/organization/admin-consent';
import { enrolUsers } from '../../services/organization/enrolment';
import {
  configureGoogle,
  configureMicrosoft,
  listOrganizationConnections,
  organizationConnectionView,
  removeOrganizationConnection,
} from '../../services/organization/organization-connections';
import { OAuthFlowError } from '../../services/oauth/oauth-flow-error';
import {
  adminConsentCallbackQuery,
  enrolBody,
  enrolmentResponse,
  microsoftOrganizationResponse,
  organizationConnectionListResponse,
  organizationConnectionResponse,
  organizationProviderParams,
  putGoogleOrganizationBody,
  putMicrosoftOrganizationBody,
  removedOrganizationResponse,
} from '../organization-schemas';

const tag = 'Organization connections';
const PRIVATE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

export const organizationConnectionRoutes = [
  route({
    method: 'get',
    path: '/v1/organization-connections',
    summary: "The organization's organization-wide connections (no secret is ever returned)",
    tag,
    permission: PERMISSIONS.admin,
    responses: { 200: { description: 'Organization connections', schema: organizationConnectionListResponse } },
  }).handle(async ({ caller }, ctx) => ({
    status: 200,
    body: { organizationConnections: await listOrganizationConnections(ctx, caller.organizationId) },
  })),
  route({
    method: 'put',
    path: '/v1/organization-connections/google',
    summary: 'Connect the Google Workspace domain: a service account with domain-wide delegation (the key is write-only)',
    tag,
    permission: PERMISSIONS.admin,
    body: putGoogleOrganizationBody,
    responses: {
      200: { description: 'Saved; allow requiredAccess for the key in the Admin console', schema: organizationConnectionResponse },
    },
  }).handle(async ({ caller, body }, ctx) => {
    const view = await answeringFailures('Organization connection', () =>
      configureGoogle(ctx, { organizationId: caller.organizationId, createdBy: caller.userId, ...body }),
    );
    return { status: 200, body: view };
  }),
  route({
    method: 'put',
    path: '/v1/organization-connections/microsoft',
    summary: 'Connect the Microsoft 365 tenant: application permissions; returns the admin-consent URL to open',
    tag,
    permission: PERMISSIONS.admin,
    body: putMicrosoftOrganizationBody,
    responses: { 200: { description: 'Saved; consent pending unless already given', schema: microsoftOrganizationResponse } },
  }).handle(async ({ caller, body }, ctx) => {
    const row = await configureMicrosoft(ctx, { organizationId: caller.organizationId, createdBy: caller.userId, ...body });
    const consent = row.status === 'active' ? null : await startAdminConsent(ctx, { row, userId: caller.userId });
    const view = await organizationConnectionView(ctx, row);
    return {
      status: 200,
      body: { ...view, adminConsentUrl: consent?.url ?? null, adminConsentExpiresAt: consent?.expiresAt.toISOString() ?? null },
      headers: PRIVATE,
    };
  }),
  route({
    method: 'delete',
    path: '/v1/organization-connections/{provider}',
    summary: 'Remove the organization connection: every enrolled connection is disconnected and cleaned up',
    tag,
    permission: PERMISSIONS.admin,
    params: organizationProviderParams,
    responses: { 202: { description: 'Removal started', schema: removedOrganizationResponse } },
    errors: [404],
  }).handle(async ({ caller, params }, ctx) => {
    const { disconnecting } = await answeringFailures('Organization connection', () =>
      removeOrganizationConnection(ctx, { organizationId: caller.organizationId, provider: params.provider }),
    );
    return { status: 202, body: { provider: params.provider, disconnecting } };
  }),
  route({
    method: 'post',
    path: '/v1/organization-connections/{provider}/users',
    summary: 'Enrol users (by address, or the directory page by page): one organization-managed connection each',
    tag,
    permission: PERMISSIONS.admin,
    params: organizationProviderParams,
    body: enrolBody,
    responses: { 200: { description: 'Who was enrolled, who was skipped and why', schema: enrolmentResponse } },
    errors: [404, 409],
  }).handle(async ({ caller, params, body }, ctx) => {
    const request = body.emails
      ? { users: body.emails.map((entry) => (typeof entry === 'string' ? { email: entry } : entry)) }
      : { all: true as const, ...(body.pageToken ? { pageToken: body.pageToken } : {}) };
    const result = await answeringFailures('Organization connection', () =>
      enrolUsers(ctx, { organizationId: caller.organizationId, provider: params.provider, request }),
    );
    return { status: 200, body: result };
  }),
];

export const organizationConsentRoutes = [
  publicRoute({
    method: 'get',
    path: '/v1/organization-connections/microsoft/consent-callback',
    summary: "Microsoft's admin-consent redirect: records the tenant's consent (single-use state of the admin who asked)",
    tag,
    query: adminConsentCallbackQuery,
    responses: {
      200: {
        description: 'For a client asking for JSON: the organization connection, consent recorded',
        schema: organizationConnectionResponse,
      },
      302: { description: 'For a browser: to the return page, with the outcome in the URL fragment' },
      400: { description: 'Unknown, used or expired state' },
      404: { description: 'The organization connection is gone' },
      409: { description: 'Consent refused, for another tenant, or not confirmed by the provider' },
      503: { description: 'The database is unreachable' },
    },
  }).handle(async ({ query, request }, ctx) => {
    const browser = request.accepts(['json', 'html']) === 'html';
    const toReturnPage = (fields: Record<string, string>) => {
      const target = new URL(ctx.config.oauthReturnUrl);
      target.hash = new URLSearchParams({ provider: 'microsoft', ...fields }).toString();
      return { redirect: target.toString(), headers: PRIVATE };
    };
    if (!query.state) throw ApiError.invalid('query.state', 'required');
    try {
      const view = await answeringFailures('Organization connection', () =>
        completeAdminConsent(ctx, {
          state: query.state!,
          tenant: query.tenant,
          granted: !query.error && query.admin_consent?.toLowerCase() === 'true',
        }),
      );
      if (browser) return toReturnPage({ adminConsent: 'granted' });
      return { status: 200, body: view, headers: PRIVATE };
    } catch (error) {
      const code = error instanceof OAuthFlowError || error instanceof ApiError ? error.code : undefined;
      if (browser && code) return toReturnPage({ error: code });
      if (error instanceof OAuthFlowError) throw new ApiError(400, error.code, error.message);
      throw error;
    }
  }),
];
