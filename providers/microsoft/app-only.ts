// Organization-wide Microsoft access: the app's application permissions in a tenant, granted by a tenant
// admin's consent (identity platform v2 `adminconsent`). Tokens come from the client-credentials grant
// (RFC 6749 4.4, via oauth4webapi) at `<authority>/<tenant>/oauth2/v2.0/token` with the `.default` scope,
// and act on `/users/{id}/...` (CallAuth.mailbox). Directory reads are Graph `GET /users`.
import * as oauth from 'oauth4webapi';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { ProviderError, isProviderError } from '../errors';
import type { DirectoryUser, OrganizationAccess, OrganizationGrant, RequestMeter, TokenSet } from '../types';
import type { MicrosoftEndpoints } from './endpoints';
import { identityError, toProviderError } from './errors';
import { createGraphClient } from './graph-client';

const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';
const DIRECTORY_PAGE_SIZE = 500;

/** Token endpoint refusals that mean the tenant no longer lets the app in: an admin must consent again. */
const CONSENT_REFUSALS = new Set(['unauthorized_client', 'invalid_client', 'consent_required', 'invalid_grant', 'access_denied']);

const userSchema = z.object({
  id: z.string().min(1).max(64),
  mail: z.string().max(320).nullish(),
  userPrincipalName: z.string().max(320).nullish(),
});
const usersPageSchema = z.object({ value: z.array(userSchema), '@odata.nextLink': z.string().max(4000).nullish() });

/** `https://login.microsoftonline.com/common` -> `https://login.microsoftonline.com` (tenants are chosen per call). */
export function authorityRoot(endpoints: MicrosoftEndpoints): string {
  return endpoints.authorityUrl.replace(/\/+$/, '').replace(/\/[^/]+$/, '');
}

export function adminConsentUrl(
  endpoints: MicrosoftEndpoints,
  input: { tenantId: string; clientId: string; redirectUri: string; state: string },
): string {
  const url = new URL(`${authorityRoot(endpoints)}/${encodeURIComponent(input.tenantId)}/v2.0/adminconsent`);
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('scope', GRAPH_DEFAULT_SCOPE);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('state', input.state);
  return url.toString();
}

function microsoftGrant(grant: OrganizationGrant): Extract<OrganizationGrant, { provider: 'microsoft' }> {
  if (grant.provider !== 'microsoft') throw new TypeError('a Microsoft grant is needed');
  return grant;
}

const toDirectoryUser = (user: z.infer<typeof userSchema>): DirectoryUser | null => {
  const email = user.mail ?? user.userPrincipalName;
  return email ? { id: user.id.toLowerCase(), email: email.toLowerCase() } : null;
};

export function createMicrosoftAppOnly(
  endpoints: MicrosoftEndpoints,
  options: { dispatcher?: Dispatcher; timeoutMs?: number } = {},
): OrganizationAccess {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const dispatcherFetch: typeof fetch = (input, init) =>
    fetch(input, { ...init, ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}) } as RequestInit);

  async function appToken(grant: Extract<OrganizationGrant, { provider: 'microsoft' }>): Promise<TokenSet> {
    const tenantAuthority = `${authorityRoot(endpoints)}/${encodeURIComponent(grant.tenantId)}`;
    const as: oauth.AuthorizationServer = { issuer: `${tenantAuthority}/v2.0`, token_endpoint: `${tenantAuthority}/oauth2/v2.0/token` };
    const client: oauth.Client = { client_id: grant.client.clientId };
    let response: Response;
    try {
      response = await oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.ClientSecretPost(grant.client.clientSecret),
        { scope: GRAPH_DEFAULT_SCOPE },
        {
          [oauth.customFetch]: dispatcherFetch,
          signal: AbortSignal.timeout(timeoutMs),
        },
      );
    } catch (error) {
      throw toProviderError(error);
    }
    try {
      const tokens = await oauth.processClientCredentialsResponse(as, client, response);
      return { accessToken: tokens.access_token, expiresAt: new Date(Date.now() + (tokens.expires_in ?? 3600) * 1000) };
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError) {
        const body = error.cause as { error?: string; error_codes?: number[] };
        const refused = identityError(error.status, body, response.headers.get('retry-after'));
        if (body.error && CONSENT_REFUSALS.has(body.error) && error.status < 500) {
          throw new ProviderError('access_revoked', 'microsoft', refused.message, {
            status: error.status,
            code: 'admin_consent_withdrawn',
          });
        }
        throw refused;
      }
      throw new ProviderError('malformed_response', 'microsoft', 'token endpoint answered an unexpected body');
    }
  }

  async function graphCall<T>(
    grant: OrganizationGrant,
    meter: RequestMeter,
    call: (graph: ReturnType<typeof createGraphClient>) => Promise<T>,
  ) {
    const token = await appToken(microsoftGrant(grant));
    const graph = createGraphClient(
      { graphBaseUrl: endpoints.graphBaseUrl, dispatcher: options.dispatcher, timeoutMs },
      { accessToken: token.accessToken, meter },
    );
    try {
      return await call(graph);
    } catch (error) {
      throw meter.refusal ?? toProviderError(error);
    }
  }

  return {
    userToken: (grant) => appToken(microsoftGrant(grant)),

    listUsers: (grant, { pageToken, meter }) =>
      graphCall(grant, meter, async (graph) => {
        const json: unknown = pageToken
          ? await graph.api(pageToken).get()
          : await graph.api('/users').select(['id', 'mail', 'userPrincipalName']).top(DIRECTORY_PAGE_SIZE).get();
        const page = usersPageSchema.safeParse(json);
        if (!page.success) throw new ProviderError('malformed_response', 'microsoft', 'Microsoft Graph answered an unexpected users page');
        const users = page.data.value.map(toDirectoryUser).filter((user): user is DirectoryUser => user !== null);
        const next = page.data['@odata.nextLink'];
        return { users, ...(next ? { nextPageToken: next } : {}) };
      }),

    findUser: (grant, { email, meter }) =>
      graphCall(grant, meter, async (graph) => {
        try {
          const json: unknown = await graph
            .api(`/users/${encodeURIComponent(email)}`)
            .select(['id', 'mail', 'userPrincipalName'])
            .get();
          const user = userSchema.safeParse(json);
          if (!user.success) throw new ProviderError('malformed_response', 'microsoft', 'Microsoft Graph answered an unexpected user');
          return toDirectoryUser(user.data);
        } catch (error) {
          if (isProviderError(error, 'not_found') || isProviderError(toProviderError(error), 'not_found')) return null;
          throw error;
        }
      }),
  };
}
