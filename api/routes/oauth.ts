// The OAuth flow's HTTP side (services/oauth/connecting.ts explains the flow and why it is bound to the user):
//  - GET /v1/oauth/{provider}/callback (public): where the provider sends the browser. It attaches nothing.
//    It checks the state, then hands provider, code and state to the return page (OAUTH_RETURN_URL) in the
//    URL fragment, so the code never reaches a server log; a client that asks for JSON gets them as JSON.
//  - GET /oauth/return (public): the built-in return page (api/static/oauth).
//  - POST /v1/oauth/complete (the user's token): completes the connection, for the user who started it only.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FAILURES } from '../../domain/failures';
import { isProviderError } from '../../providers/errors';
import { OAuthFlowError } from '../../services/oauth/connecting';
import { PERMISSIONS } from '../auth/permissions';
import { ApiError } from '../routing/errors';
import { publicRoute, route } from '../routing/route';
import { completeOAuthBody, connectedResponse, oauthCallbackParams, oauthCallbackQuery, oauthCallbackResponse } from '../schemas';

const STATIC_DIR = path.join(__dirname, '..', 'static', 'oauth');
const RETURN_PAGE = readFileSync(path.join(STATIC_DIR, 'return.html'), 'utf8');
const RETURN_SCRIPT = readFileSync(path.join(STATIC_DIR, 'return.js'), 'utf8');

/** Nothing of an OAuth answer may be cached or leak through a Referer. */
const PRIVATE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };
const RETURN_PAGE_HEADERS = {
  ...PRIVATE,
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
};

/** Provider error codes are passed on only when they look like one (RFC 6749 4.1.2.1 codes are [a-z_]). */
const errorCodeOf = (error: string) => (/^[a-z_]{1,64}$/.test(error) ? error : 'provider_error');

const FLOW_STATUS: Record<OAuthFlowError['code'], number> = {
  invalid_state: 400,
  expired_state: 400,
  oauth_state_mismatch: 403,
  missing_permissions: 422,
  account_mismatch: 409,
  account_in_use: 409,
  account_managed_by_organization: 409,
};

export const oauthRoutes = [
  publicRoute({
    method: 'get',
    path: '/v1/oauth/{provider}/callback',
    summary: 'OAuth redirect target: hands code and state to the return page (browsers) or back as JSON; connects nothing',
    tag: 'Connections',
    params: oauthCallbackParams,
    query: oauthCallbackQuery,
    responses: {
      200: { description: 'For a client asking for JSON: what to complete with (POST /v1/oauth/complete)', schema: oauthCallbackResponse },
      302: { description: 'For a browser: to the return page, with provider, code and state (or error) in the URL fragment' },
      400: { description: 'Denied, or an unknown, used or expired state (JSON clients)' },
      503: { description: 'The database is unreachable' },
    },
  }).handle(async ({ params: { provider }, query, request }, { connecting, config }) => {
    const browser = request.accepts(['json', 'html']) === 'html';
    const toReturnPage = (fields: Record<string, string>) => {
      const target = new URL(config.oauthReturnUrl);
      target.hash = new URLSearchParams({ provider, ...fields }).toString();
      return { redirect: target.toString(), headers: PRIVATE };
    };
    if (query.error) {
      if (browser) return toReturnPage({ error: errorCodeOf(query.error) });
      const denied = query.error === 'access_denied';
      throw new ApiError(
        400,
        denied ? 'access_denied' : 'provider_error',
        denied ? 'The user declined access to the calendar' : 'The provider reported an authorization error',
      );
    }
    if (!query.code) throw ApiError.invalid('query.code', 'required');
    if (!query.state) throw ApiError.invalid('query.state', 'required');
    try {
      await connecting.checkCallback({ provider, state: query.state });
    } catch (error) {
      if (!(error instanceof OAuthFlowError)) throw error;
      if (browser) return toReturnPage({ error: error.code });
      throw new ApiError(400, error.code, error.message);
    }
    if (browser) return toReturnPage({ code: query.code, state: query.state });
    return { status: 200, body: { provider, code: query.code, state: query.state }, headers: PRIVATE };
  }),
  publicRoute({
    method: 'get',
    path: '/oauth/return',
    summary: 'The built-in OAuth return page: passes code and state to the page that opened it, or shows how to complete',
    tag: 'Connections',
    responses: { 200: { description: 'The page', contentType: 'text/html' } },
  }).handle(async () => ({ status: 200, text: RETURN_PAGE, contentType: 'html', headers: RETURN_PAGE_HEADERS })),
  publicRoute({
    method: 'get',
    path: '/oauth/return.js',
    summary: "The return page's script",
    tag: 'Connections',
    responses: { 200: { description: 'The script', contentType: 'application/javascript' } },
  }).handle(async () => ({ status: 200, text: RETURN_SCRIPT, contentType: 'application/javascript', headers: RETURN_PAGE_HEADERS })),
];

export const oauthCompletionRoutes = [
  route({
    method: 'post',
    path: '/v1/oauth/complete',
    summary: 'Complete connecting a calendar with the code and state the callback returned (only the user who started it can)',
    tag: 'Connections',
    permission: PERMISSIONS.connect,
    body: completeOAuthBody,
    responses: { 201: { description: 'Connected', schema: connectedResponse } },
    errors: [409, 422, 503],
  }).handle(async ({ caller, body }, { connecting, db, logger }) => {
    try {
      const { connectionId } = await connecting.completeConnecting(caller, body, db);
      return { status: 201, body: { connectionId, provider: body.provider, status: 'connected' as const } };
    } catch (error) {
      if (error instanceof OAuthFlowError) {
        const details = error.missing.map((permission) => ({ field: 'scope', message: `${permission} was not granted` }));
        throw new ApiError(FLOW_STATUS[error.code], error.code, error.message, details.length ? details : undefined);
      }
      if (isProviderError(error)) {
        logger.warn({ provider: body.provider, kind: error.kind }, 'OAuth code exchange failed');
        // Busy or down is not "refused": the user should hear to come back shortly, not that the sign-in was bad.
        if (FAILURES[error.kind].retryable) {
          throw new ApiError(
            503,
            'provider_busy',
            'The calendar provider is busy; nothing was connected, start connecting again in a minute',
            undefined,
            {
              'Retry-After': '60',
            },
          );
        }
        throw new ApiError(400, 'exchange_failed', 'The provider did not accept the authorization code; start connecting again');
      }
      throw error;
    }
  }),
];
