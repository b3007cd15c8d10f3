// GET /v1/oauth/:provider/callback: where the provider sends the browser after consent. No API token
// (the browser carries none): the single-use, expiring state ties the request to the user who started it.
import { Router, type Request, type Response } from 'express';
import { isProviderError } from '../../providers/errors';
import { OAuthFlowError } from '../../services/connections';
import type { ApiContext } from '../dependencies';
import { ApiError } from '../errors';
import type { RouteDoc } from '../route-docs';
import { connectedResponse, oauthCallbackParams, oauthCallbackQuery } from '../schemas';
import { parseInput } from '../validation';

export const oauthRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/oauth/{provider}/callback',
    summary: 'OAuth redirect target (opened by the browser, not called by API clients)',
    tag: 'Connections',
    auth: false,
    params: oauthCallbackParams,
    query: oauthCallbackQuery,
    responses: {
      200: { description: 'Connected (JSON, or a small HTML page for browsers)', schema: connectedResponse },
      302: { description: 'Connected: redirect to OAUTH_SUCCESS_REDIRECT' },
      400: { description: 'Denied, unknown/expired/used state, or the code exchange failed' },
      503: { description: 'Temporal or the database is unreachable' },
    },
  },
];

/** JSON unless the client prefers HTML (a browser following the redirect sends Accept: text/html,...). */
function successPage(request: Request, response: Response, result: { connectionId: string; provider: string }) {
  if (request.accepts(['json', 'html']) === 'html') {
    // Nothing user-controlled is interpolated: the id is a UUID and the provider an enum value.
    response
      .type('html')
      .send(
        `<!doctype html><html><head><meta charset="utf-8"><title>Calendar connected</title></head>` +
          `<body><h1>Calendar connected</h1><p>Your ${result.provider} calendar is connected. You can close this window.</p></body></html>`,
      );
    return;
  }
  response.json({ connectionId: result.connectionId, provider: result.provider, status: 'connected' });
}

export function oauthRouter({ connections, apiConfig, logger }: ApiContext): Router {
  const router = Router();
  router.get('/v1/oauth/:provider/callback', async (request, response) => {
    const { provider } = parseInput(oauthCallbackParams, request.params, 'params');
    const query = parseInput(oauthCallbackQuery, request.query, 'query');
    if (query.error) {
      const code = query.error === 'access_denied' ? 'access_denied' : 'provider_error';
      throw new ApiError(
        400,
        code,
        code === 'access_denied' ? 'The user declined access to the calendar' : 'The provider reported an authorization error',
      );
    }
    if (!query.code || !query.state) {
      const field = !query.code ? 'query.code' : 'query.state';
      throw new ApiError(400, 'invalid_request', `${field}: required`, [{ field, message: 'required' }]);
    }
    let result: Awaited<ReturnType<typeof connections.completeConnecting>>;
    try {
      result = await connections.completeConnecting({ provider, state: query.state, code: query.code });
    } catch (error) {
      if (error instanceof OAuthFlowError) throw new ApiError(400, error.code, error.message);
      if (isProviderError(error)) {
        logger.warn({ provider, kind: error.kind }, 'OAuth code exchange failed');
        throw new ApiError(400, 'exchange_failed', 'The provider did not accept the authorization code; start connecting again');
      }
      throw error;
    }
    if (apiConfig.OAUTH_SUCCESS_REDIRECT) {
      const target = new URL(apiConfig.OAUTH_SUCCESS_REDIRECT);
      target.searchParams.set('connectionId', result.connectionId);
      target.searchParams.set('provider', provider);
      response.redirect(302, target.toString());
      return;
    }
    successPage(request, response, { connectionId: result.connectionId, provider });
  });
  return router;
}
