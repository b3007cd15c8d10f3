// Organization-wide Google access: a service account with domain-wide delegation. Tokens come from the
// JWT-bearer grant (RFC 7523) with `sub` set to the user, through google-auth-library's JWT client; the
// directory (Admin SDK users.list) is read with a token for the named Workspace admin (or the account's own
// admin role when none is named).
//
// gtoken (under the JWT client) posts to Google's fixed token URL with that URL as the assertion's audience;
// its transport sends the request to the adapter's token endpoint instead (the same URL in production, the
// fake in the sandbox). A key whose token_uri names another endpoint is refused where it is registered, so
// an admin-supplied key can never send a signed assertion elsewhere.
import { JWT } from 'google-auth-library';
import { z } from 'zod';
import { GOOGLE_DIRECTORY_SCOPE } from '../../domain/organization-connections';
import { ProviderError } from '../errors';
import { meteredFetch } from '../metered-fetch';
import type { DirectoryUser, OrganizationAccess, OrganizationGrant, TokenSet } from '../types';
import type { GoogleEndpoints } from './endpoints';
import { malformed, toProviderError } from './errors';

/** The token URL gtoken always uses (and the audience of its assertions). */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const DIRECTORY_PAGE_SIZE = 500;

const directoryPageSchema = z.object({
  users: z
    .array(z.object({ id: z.string().min(1).max(64), primaryEmail: z.string().min(3).max(320), suspended: z.boolean().optional() }))
    .optional(),
  nextPageToken: z.string().max(2000).optional(),
});

/** The token endpoint's refusals that mean "this service account may not act for the domain". */
const DELEGATION_REFUSALS = new Set(['unauthorized_client', 'access_denied']);

function googleGrant(grant: OrganizationGrant): Extract<OrganizationGrant, { provider: 'google' }> {
  if (grant.provider !== 'google') throw new TypeError('a Google grant is needed');
  return grant;
}

export function createGoogleDelegation(endpoints: GoogleEndpoints, options: { timeoutMs?: number } = {}): OrganizationAccess {
  const timeout = options.timeoutMs ?? 30_000;
  const tokenFetch: typeof fetch = (input, init) => fetch(String(input) === GOOGLE_TOKEN_URL ? endpoints.tokenUrl : input, init);
  const directoryRoot = (endpoints.directoryRootUrl ?? endpoints.apiRootUrl).replace(/\/?$/, '/');

  async function mint(grant: Extract<OrganizationGrant, { provider: 'google' }>, subject: string | undefined, scopes: readonly string[]) {
    const client = new JWT({
      email: grant.key.client_email,
      key: grant.key.private_key,
      ...(grant.key.private_key_id ? { keyId: grant.key.private_key_id } : {}),
      scopes: [...scopes],
      ...(subject ? { subject } : {}),
      transporterOptions: { timeout, fetchImplementation: tokenFetch, retry: false },
    });
    try {
      const credentials = await client.authorize();
      if (!credentials.access_token) throw malformed('token response');
      return {
        accessToken: credentials.access_token,
        expiresAt: new Date(credentials.expiry_date ?? Date.now() + 3600_000),
        scope: scopes.join(' '),
      } satisfies TokenSet;
    } catch (error) {
      const code = (error as { response?: { data?: { error?: unknown } } }).response?.data?.error;
      if (typeof code === 'string' && DELEGATION_REFUSALS.has(code)) {
        throw new ProviderError('access_revoked', 'google', `google delegation ${code}`, { code: 'delegation_revoked' });
      }
      // invalid_grant for one subject: that user is unknown, suspended or outside the domain.
      if (code === 'invalid_grant')
        throw new ProviderError('access_revoked', 'google', 'google invalid_grant for the user', { code: 'invalid_grant' });
      throw toProviderError(error, 'refresh');
    }
  }

  return {
    acceptsTokenUri: (uri) => uri === endpoints.tokenUrl || uri === GOOGLE_TOKEN_URL,

    userToken: (grant, user) => {
      const google = googleGrant(grant);
      return mint(google, user.email, google.scopes);
    },

    async listUsers(grant, { pageToken, meter }) {
      const google = googleGrant(grant);
      const token = await mint(google, google.adminEmail, [GOOGLE_DIRECTORY_SCOPE]);
      const url = new URL('admin/directory/v1/users', directoryRoot);
      url.searchParams.set('domain', google.domain);
      url.searchParams.set('maxResults', String(DIRECTORY_PAGE_SIZE));
      url.searchParams.set('orderBy', 'email');
      if (pageToken) url.searchParams.set('pageToken', pageToken);
      let response: Response;
      try {
        response = await meteredFetch(meter)(url, {
          headers: { authorization: `Bearer ${token.accessToken}`, accept: 'application/json' },
          signal: AbortSignal.timeout(timeout),
        });
      } catch (error) {
        throw meter.refusal ?? toProviderError(error);
      }
      const body: unknown = await response.json().catch(() => undefined);
      if (!response.ok) throw toProviderError({ response: { status: response.status, data: body, headers: response.headers } });
      const page = directoryPageSchema.safeParse(body);
      if (!page.success) throw malformed('directory page');
      const users: DirectoryUser[] = (page.data.users ?? [])
        .filter((user) => !user.suspended)
        .map((user) => ({ id: user.id, email: user.primaryEmail.toLowerCase() }));
      return { users, ...(page.data.nextPageToken ? { nextPageToken: page.data.nextPageToken } : {}) };
    },

    /** A delegated token names its user by address: no directory call is needed to act for one. */
    async findUser(grant, { email }) {
      googleGrant(grant);
      return { id: email.toLowerCase(), email: email.toLowerCase() };
    },
  };
}
