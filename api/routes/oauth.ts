// GET /v1/oauth/{provider}/callback: where the provider sends the browser after consent. No API token
// (the browser carries none): the single-use, expiring state ties the request to the user who started it.
import { isProviderError } from '../../providers/errors';
import { OAuthFlowError } from '../../services/oauth/connecting';
import { ApiError } from '../routing/errors';
import { publicRoute } from '../routing/route';
import { connectedResponse, oauthCallbackParams, oauthCallbackQuery } from '../schemas';

/** Nothing user-controlled is interpolated: the id is a UUID and the provider an enum value. */
function connectedPage(provider: string): string {
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>Calendar connected</title></head>` +
    `<body><h1>Calendar connected</h1><p>Your ${provider} calendar is connected. You can close this window.</p></body></html>`
  );
}

export const oauthRoutes = [
  publicRoute({
    method: 'get',
    path: '/v1/oauth/{provider}/callback',
    summary: 'OAuth redirect target (opened by the browser, not called by API clients)',
    tag: 'Connections',
    params: oauthCallbackParams,
    query: oauthCallbackQuery,
    responses: {
      200: { description: 'Connected (JSON, or a small HTML page for browsers)', schema: connectedResponse },
      302: { description: 'Connected: redirect to OAUTH_SUCCESS_REDIRECT' },
      400: { description: 'Denied, unknown/expired/used state, or the code exchange failed' },
      503: { description: 'Temporal or the database is unreachable' },
    },
  }).handle(async ({ params: { provider }, query, request }, { connecting, config, logger }) => {
    if (query.error) {
      const code = query.error === 'access_denied' ? 'access_denied' : 'provider_error';
      const message =
        code === 'access_denied' ? 'The user declined access to the calendar' : 'The provider reported an authorization error';
      throw new ApiError(400, code, message);
    }
    if (!query.code) throw ApiError.invalid('query.code', 'required');
    if (!query.state) throw ApiError.invalid('query.state', 'required');
    let result: Awaited<ReturnType<typeof connecting.completeConnecting>>;
    try {
      result = await connecting.completeConnecting({ provider, state: query.state, code: query.code });
    } catch (error) {
      if (error instanceof OAuthFlowError) throw new ApiError(400, error.code, error.message);
      if (isProviderError(error)) {
        logger.warn({ provider, kind: error.kind }, 'OAuth code exchange failed');
        throw new ApiError(400, 'exchange_failed', 'The provider did not accept the authorization code; start connecting again');
      }
      throw error;
    }
    if (config.OAUTH_SUCCESS_REDIRECT) {
      const target = new URL(config.OAUTH_SUCCESS_REDIRECT);
      target.searchParams.set('connectionId', result.connectionId);
      target.searchParams.set('provider', provider);
      return { redirect: target.toString() };
    }
    // JSON unless the client prefers HTML (a browser following the redirect sends Accept: text/html,...).
    if (request.accepts(['json', 'html']) === 'html') return { status: 200, text: connectedPage(provider), contentType: 'html' };
    return { status: 200, body: { connectionId: result.connectionId, provider, status: 'connected' as const } };
  }),
];
