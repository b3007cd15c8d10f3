// Microsoft identity platform v2: authorization URL (PKCE S256), code redemption and refresh over plain
// form-encoded fetch. Refresh tokens ROTATE: every refresh answers a new refresh token that replaces the old
// one, and the adapter returns it so the vault can store it.
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { AuthorizationUrlRequest, OAuthClientCredentials, TokenSet } from '../types';
import { MICROSOFT_SCOPES } from './endpoints';
import { identityError, toProviderError } from './errors';
import { tokenErrorSchema, tokenResponseSchema } from './schemas';
import { ProviderError } from '../errors';

export interface IdentityConfig {
  authorityUrl: string;
  dispatcher?: Dispatcher;
  timeoutMs: number;
}

export function buildAuthorizationUrl(config: IdentityConfig, client: OAuthClientCredentials, request: AuthorizationUrlRequest): string {
  const url = new URL(`${config.authorityUrl.replace(/\/$/, '')}/oauth2/v2.0/authorize`);
  url.searchParams.set('client_id', client.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('response_mode', 'query');
  url.searchParams.set('scope', MICROSOFT_SCOPES.join(' '));
  url.searchParams.set('state', request.state);
  url.searchParams.set('code_challenge', request.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  if (request.loginHint) url.searchParams.set('login_hint', request.loginHint);
  return url.toString();
}

async function tokenRequest(config: IdentityConfig, form: Record<string, string>): Promise<TokenSet> {
  let res: Response;
  try {
    res = await fetch(`${config.authorityUrl.replace(/\/$/, '')}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(config.timeoutMs),
      ...(config.dispatcher ? { dispatcher: config.dispatcher } : {}),
    } as RequestInit);
  } catch (error) {
    throw toProviderError(error);
  }
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    if (!res.ok) throw identityError(res.status, undefined, res.headers.get('retry-after'));
    throw new ProviderError('malformed_response', 'microsoft', 'token endpoint answered an unreadable body', { status: res.status });
  }
  if (!res.ok) {
    const parsed = tokenErrorSchema.safeParse(json);
    throw identityError(res.status, parsed.success ? parsed.data : undefined, res.headers.get('retry-after'));
  }
  const parsed = tokenResponseSchema.safeParse(json);
  if (!parsed.success)
    throw new ProviderError('malformed_response', 'microsoft', 'token endpoint answered an unexpected body', { status: res.status });
  const t = parsed.data;
  return {
    accessToken: t.access_token,
    ...(t.refresh_token ? { refreshToken: t.refresh_token } : {}),
    expiresAt: new Date(Date.now() + t.expires_in * 1000),
    ...(t.scope ? { scope: t.scope } : {}),
    ...(t.id_token ? { idToken: t.id_token } : {}),
  };
}

export function exchangeCode(
  config: IdentityConfig,
  client: OAuthClientCredentials,
  input: { code: string; codeVerifier: string; redirectUri: string },
): Promise<TokenSet> {
  return tokenRequest(config, {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_type: 'authorization_code',
    code: input.code,
    code_verifier: input.codeVerifier,
    redirect_uri: input.redirectUri,
    scope: MICROSOFT_SCOPES.join(' '),
  });
}

export function refreshTokens(config: IdentityConfig, client: OAuthClientCredentials, refreshToken: string): Promise<TokenSet> {
  return tokenRequest(config, {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    scope: MICROSOFT_SCOPES.join(' '),
  });
}

/** Graph permissions the service needs, and what each is for (a missing one is named at connect time). */
const REQUIRED_PERMISSIONS = [{ scope: 'Calendars.ReadWrite', purpose: 'read and write calendar events' }];

export function missingPermissions(grantedScope: string | undefined): string[] {
  if (grantedScope === undefined) return [];
  // Graph scopes come back fully qualified (https://graph.microsoft.com/Calendars.ReadWrite) or bare.
  const granted = new Set(grantedScope.split(/\s+/).map((scope) => scope.replace(/^https:\/\/graph\.microsoft\.com\//i, '').toLowerCase()));
  return REQUIRED_PERMISSIONS.filter(({ scope }) => !granted.has(scope.toLowerCase())).map(({ scope, purpose }) => `${scope} (${purpose})`);
}

const idTokenClaims = z.object({ aud: z.string(), tid: z.string().min(1).max(64), oid: z.string().min(1).max(64) });

/**
 * The tenant and object id in an id_token the token endpoint just returned over TLS: OpenID Connect Core
 * 3.1.3.7 lets such a token be read without checking its signature; its audience must still be us.
 */
export function idTokenIdentity(idToken: string | undefined, clientId: string): { tenantId: string; objectId: string } {
  const malformed = (why: string) => new ProviderError('malformed_response', 'microsoft', `id_token ${why}`);
  if (!idToken) throw malformed('missing (the openid scope was not granted)');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    throw malformed('unreadable');
  }
  const parsed = idTokenClaims.safeParse(claims);
  if (!parsed.success) throw malformed('lacks aud, tid or oid');
  if (parsed.data.aud !== clientId) throw malformed('is for another application');
  return { tenantId: parsed.data.tid.toLowerCase(), objectId: parsed.data.oid.toLowerCase() };
}
