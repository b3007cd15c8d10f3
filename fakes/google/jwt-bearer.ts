// The JWT-bearer grant (RFC 7523) at Google's token endpoint, as service accounts use it
// (developers.google.com/identity/protocols/oauth2/service-account): an RS256 assertion signed with the service
// account's key, claims iss (the account's email), scope, aud (the token endpoint), iat and exp (at most an hour
// apart) and, for domain-wide delegation, sub (the user to act as). Answers Google's own error bodies.

import { createVerify } from 'node:crypto';

import type { ServiceAccounts } from './service-accounts';
import type { WorkspaceDirectory } from './workspace-directory';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** What Google puts in `aud` (and google-auth-library/gtoken always sends); the fake also takes its own token URL. */
export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';

/** Google allows a little clock skew on iat; the fake allows five minutes. */
const SKEW_SECONDS = 300;
const MAX_LIFETIME_SECONDS = 3600;

export type AssertionOutcome =
  | { ok: true; email: string; clientId: string; scope: string }
  | { ok: false; status: number; body: { error: string; error_description: string } };

const fail = (status: number, error: string, description: string): AssertionOutcome => ({
  ok: false,
  status,
  body: { error, error_description: description },
});

/** Google's answer when the client id has no delegation for the domain, or not for every scope asked for. */
export const UNAUTHORIZED_CLIENT = fail(
  401,
  'unauthorized_client',
  'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
);

const SHORT_LIVED =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. ' +
  'Check your iat and exp values in the JWT claim.';

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function checkAssertion(
  assertion: string,
  deps: { serviceAccounts: ServiceAccounts; directory: WorkspaceDirectory; tokenUrl: string; nowSeconds?: number },
): AssertionOutcome {
  const [headerPart, claimsPart, signaturePart] = assertion.split('.');
  const header = decodePart(headerPart);
  const claims = decodePart(claimsPart);
  if (!header || !claims || signaturePart === undefined) return fail(400, 'invalid_grant', 'Invalid JWT: Failed to parse JWT.');
  if (header.alg !== 'RS256') return fail(400, 'invalid_grant', 'Invalid JWT Signature.');
  const account = typeof claims.iss === 'string' ? deps.serviceAccounts.find(claims.iss) : undefined;
  if (!account) return fail(400, 'invalid_grant', 'Invalid grant: account not found');
  const keys = typeof header.kid === 'string' ? [account.keys[header.kid]].filter(Boolean) : Object.values(account.keys);
  const signed = `${headerPart}.${claimsPart}`;
  const signature = Buffer.from(signaturePart, 'base64url');
  const verified = keys.some((key) => createVerify('RSA-SHA256').update(signed).verify(key!, signature));
  if (!verified) return fail(400, 'invalid_grant', 'Invalid JWT Signature.');

  const now = deps.nowSeconds ?? Math.floor(Date.now() / 1000);
  const iat = typeof claims.iat === 'number' ? claims.iat : NaN;
  const exp = typeof claims.exp === 'number' ? claims.exp : NaN;
  if (!(exp > now) || !(iat <= now + SKEW_SECONDS) || !(exp - iat <= MAX_LIFETIME_SECONDS)) return fail(400, 'invalid_grant', SHORT_LIVED);
  if (claims.aud !== GOOGLE_TOKEN_AUDIENCE && claims.aud !== deps.tokenUrl) {
    return fail(400, 'invalid_grant', `Invalid JWT: Failed audience check. The expected audience is ${GOOGLE_TOKEN_AUDIENCE}.`);
  }
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(/\s+/).filter(Boolean) : [];
  if (scopes.length === 0) return fail(400, 'invalid_scope', 'Empty or missing scope not allowed.');

  // Without `sub` the token acts as the service account itself.
  if (claims.sub === undefined) return { ok: true, email: account.clientEmail, clientId: account.clientId, scope: scopes.join(' ') };
  const sub = typeof claims.sub === 'string' ? claims.sub.toLowerCase() : '';
  const delegated = deps.serviceAccounts.delegatedScopes(sub.split('@')[1] ?? '', account.clientId);
  if (!delegated || scopes.some((scope) => !delegated.has(scope))) return UNAUTHORIZED_CLIENT;
  const user = deps.directory.findUser(sub);
  if (!user || user.user.suspended) return fail(400, 'invalid_grant', 'Invalid email or User ID');
  return { ok: true, email: user.user.primaryEmail, clientId: account.clientId, scope: scopes.join(' ') };
}
