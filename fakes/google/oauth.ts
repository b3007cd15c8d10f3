// Google's OAuth 2.0 endpoints as the fake serves them: authorize (sandbox sign-in), token (code with PKCE,
// refresh), revoke and userinfo. Google is not known to rotate refresh tokens, so refresh answers carry none
// unless the fake is started with `rotateRefreshTokens` (then the old one stops working: stricter than any
// provider, so a client that keeps the old token fails). Granular consent: an account can be set to tick
// only some of the scopes asked for (setGrantedScopes).

import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { readForm, sendJson } from '../http/body';
import { JWT_BEARER_GRANT, type AssertionOutcome } from './jwt-bearer';
import type { GoogleStore } from './store';

interface Grant {
  id: string;
  email: string;
  clientId: string;
  scope: string;
  revoked: boolean;
}

interface AuthCode {
  grant: Grant;
  redirectUri: string;
  codeChallenge?: string;
  expiresAt: number;
  used: boolean;
}

interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

export interface AccessContext {
  email: string;
  scopes: Set<string>;
  /** The OAuth client the token was issued to: Google counts project quotas per client's project. */
  clientId: string;
}

const CODE_TTL_MS = 10 * 60_000;

/**
 * Scopes a user cannot untick on Google's consent screen (the sign-in scopes); every other requested scope
 * may be left out (granular consent, developers.google.com/identity/protocols/oauth2/resources/granular-permissions).
 */
const SIGN_IN_SCOPES = new Set(['openid', 'email', 'profile', 'https://www.googleapis.com/auth/userinfo.email']);

/** Clients, grants and every code and token issued, as plain JSON for the sandbox state file. */
export interface GoogleOAuthState {
  /** Scopes each sandbox account unticks at consent (absent in older state files). */
  declined?: Array<[email: string, scopes: string[]]>;
  clients: Array<[clientId: string, clientSecret: string]>;
  grants: Grant[];
  codes: Array<[code: string, value: Omit<AuthCode, 'grant'> & { grantId: string }]>;
  accessTokens: Array<[token: string, grantId: string, expiresAt: number]>;
  refreshTokens: Array<[token: string, grantId: string]>;
  issued: string[];
  /** Accounts that grant only some scopes (granular consent); absent in older state files. */
  grantedScopes?: Array<[email: string, scopes: string[]]>;
}

export class GoogleOAuth {
  private readonly clients = new Map<string, string>();
  private readonly codes = new Map<string, AuthCode>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly issued: string[] = [];
  /** Per account: the scopes its user unticks on the consent screen. */
  private readonly declined = new Map<string, Set<string>>();
  /** Granular consent: the scopes an account ticks, whatever is asked for. */
  private readonly grantedScopes = new Map<string, Set<string>>();

  constructor(
    private readonly store: GoogleStore,
    private readonly accessTokenTtlSeconds: number,
    /** Answer every refresh with a new refresh token and retire the old one (stricter than Google, see README). */
    private rotateRefreshTokens = false,
  ) {}

  setRefreshTokenRotation(on: boolean): void {
    this.rotateRefreshTokens = on;
  }

  /**
   * Granular consent: from now on the account grants only `scopes` of what an app asks for, and its existing
   * grants shrink to them (as if consented that way); null grants everything again for new consents.
   */
  setGrantedScopes(email: string, scopes: string[] | null): void {
    const key = email.toLowerCase();
    if (!scopes) {
      this.grantedScopes.delete(key);
      return;
    }
    const allowed = new Set(scopes);
    this.grantedScopes.set(key, allowed);
    for (const grant of this.allGrants()) {
      if (grant.email === key)
        grant.scope = grant.scope
          .split(' ')
          .filter((scope) => allowed.has(scope))
          .join(' ');
    }
  }

  private allGrants(): Grant[] {
    const grants = new Set<Grant>();
    for (const grant of this.refreshTokens.values()) grants.add(grant);
    for (const { grant } of this.accessTokens.values()) grants.add(grant);
    for (const { grant } of this.codes.values()) grants.add(grant);
    return [...grants];
  }

  registerClient(clientId: string, clientSecret: string): void {
    this.clients.set(clientId, clientSecret);
  }

  issuedSecrets(): string[] {
    return [...this.issued];
  }

  exportState(): GoogleOAuthState {
    const grants = new Map<string, Grant>();
    for (const grant of this.refreshTokens.values()) grants.set(grant.id, grant);
    for (const { grant } of this.accessTokens.values()) grants.set(grant.id, grant);
    for (const { grant } of this.codes.values()) grants.set(grant.id, grant);
    return {
      clients: [...this.clients],
      grants: [...grants.values()],
      codes: [...this.codes].map(([code, { grant, ...rest }]) => [code, { ...rest, grantId: grant.id }]),
      accessTokens: [...this.accessTokens].map(([token, { grant, expiresAt }]) => [token, grant.id, expiresAt]),
      refreshTokens: [...this.refreshTokens].map(([token, grant]) => [token, grant.id]),
      issued: [...this.issued],
      declined: [...this.declined].map(([email, scopes]) => [email, [...scopes]]),
      grantedScopes: [...this.grantedScopes].map(([email, scopes]) => [email, [...scopes]]),
    };
  }

  /** Replaces everything with a saved state; tokens sharing a grant share it again (revoking one revokes all). */
  importState(state: GoogleOAuthState): void {
    const grants = new Map(state.grants.map((grant) => [grant.id, grant]));
    const grant = (id: string): Grant => {
      const found = grants.get(id);
      if (!found) throw new Error(`sandbox state names an unknown grant ${id}`);
      return found;
    };
    this.clients.clear();
    for (const [id, secret] of state.clients) this.clients.set(id, secret);
    this.codes.clear();
    for (const [code, { grantId, ...rest }] of state.codes) this.codes.set(code, { ...rest, grant: grant(grantId) });
    this.accessTokens.clear();
    for (const [token, grantId, expiresAt] of state.accessTokens) this.accessTokens.set(token, { grant: grant(grantId), expiresAt });
    this.refreshTokens.clear();
    for (const [token, grantId] of state.refreshTokens) this.refreshTokens.set(token, grant(grantId));
    this.issued.splice(0, this.issued.length, ...state.issued);
    this.declined.clear();
    for (const [email, scopes] of state.declined ?? []) this.declined.set(email, new Set(scopes));
    this.grantedScopes.clear();
    for (const [email, scopes] of state.grantedScopes ?? []) this.grantedScopes.set(email, new Set(scopes));
  }

  /** From now on the account's user unticks these scopes at consent (an empty list: grants everything again). */
  declineScopes(email: string, scopes: string[]): void {
    const key = email.toLowerCase();
    if (scopes.length === 0) this.declined.delete(key);
    else this.declined.set(key, new Set(scopes));
  }

  revokeGrants(email: string): void {
    const key = email.toLowerCase();
    for (const grant of this.refreshTokens.values()) if (grant.email === key) grant.revoked = true;
    for (const token of this.accessTokens.values()) if (token.grant.email === key) token.grant.revoked = true;
  }

  expireAccessTokens(email?: string): void {
    const now = Date.now();
    for (const token of this.accessTokens.values()) {
      if (email === undefined || token.grant.email === email.toLowerCase()) token.expiresAt = Math.min(token.expiresAt, now - 1);
    }
  }

  /** The account behind a `Bearer` header, or undefined when missing, unknown, expired or revoked. */
  authenticate(req: IncomingMessage): AccessContext | undefined {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return undefined;
    const token = this.accessTokens.get(match[1]!);
    if (!token || token.grant.revoked || token.expiresAt <= Date.now()) return undefined;
    return { email: token.grant.email, scopes: new Set(token.grant.scope.split(' ')), clientId: token.grant.clientId };
  }

  private issue(prefix: string): string {
    const token = `${prefix}${randomBytes(24).toString('base64url')}`;
    this.issued.push(token);
    return token;
  }

  // ---------------------------------------------------------------------------------------------------

  /** GET /o/oauth2/v2/auth: validates the request, signs in `login_hint` (or asks for it) and redirects. */
  authorize(url: URL, res: ServerResponse): void {
    const p = url.searchParams;
    const clientId = p.get('client_id') ?? '';
    const redirectUri = p.get('redirect_uri') ?? '';
    if (!this.clients.has(clientId)) return htmlError(res, 401, 'invalid_client', 'The OAuth client was not found.');
    let redirect: URL;
    try {
      redirect = new URL(redirectUri);
    } catch {
      return htmlError(res, 400, 'redirect_uri_mismatch', 'The redirect URI in the request is missing or invalid.');
    }
    const fail = (error: string, description: string): void => {
      redirect.searchParams.set('error', error);
      redirect.searchParams.set('error_description', description);
      if (p.get('state') !== null) redirect.searchParams.set('state', p.get('state')!);
      res.writeHead(302, { location: redirect.toString() }).end();
    };
    if (p.get('response_type') !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
    const scope = (p.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (scope.length === 0) return fail('invalid_request', 'Missing required parameter: scope');
    const challenge = p.get('code_challenge') ?? undefined;
    if (challenge !== undefined && p.get('code_challenge_method') !== 'S256') {
      return fail('invalid_request', 'code_challenge_method must be S256.');
    }
    const email = p.get('login_hint');
    if (!email) return signInForm(res, url, scope);
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) return fail('invalid_request', 'Invalid login_hint.');

    // Sandbox: signing in creates the account on first use. Consent grants what was asked, less what the
    // account's user unticks (declineScopes), beyond what the account ticks at all (setGrantedScopes), or
    // what the sign-in form left unticked (`granted` values); the redirect's `scope` says which, as Google's does.
    this.store.ensureAccount(email);
    const declined = this.declined.get(email.toLowerCase()) ?? new Set<string>();
    const onlyTicks = this.grantedScopes.get(email.toLowerCase());
    const formTicked = p.getAll('granted');
    const consents = (s: string) =>
      !declined.has(s) && (!onlyTicks || onlyTicks.has(s)) && (p.get('consent') !== 'form' || formTicked.includes(s));
    const granted = scope.filter((s) => SIGN_IN_SCOPES.has(s) || consents(s));
    const grant: Grant = {
      id: randomBytes(8).toString('hex'),
      email: email.toLowerCase(),
      clientId,
      scope: granted.join(' '),
      revoked: false,
    };
    const code = this.issue('4/0A');
    this.codes.set(code, { grant, redirectUri, codeChallenge: challenge, expiresAt: Date.now() + CODE_TTL_MS, used: false });
    redirect.searchParams.set('code', code);
    if (p.get('state') !== null) redirect.searchParams.set('state', p.get('state')!);
    redirect.searchParams.set('scope', grant.scope);
    redirect.searchParams.set('authuser', '0');
    redirect.searchParams.set('prompt', 'consent');
    res.writeHead(302, { location: redirect.toString() }).end();
  }

  /** The JWT-bearer grant (service accounts); without it the endpoint refuses that grant type. */
  private assertionGrant: ((assertion: string) => AssertionOutcome) | undefined;

  acceptAssertions(check: (assertion: string) => AssertionOutcome): void {
    this.assertionGrant = check;
  }

  /** POST /token */
  async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    // A service account authenticates with the signed assertion alone: no client id or secret.
    if (form.get('grant_type') === JWT_BEARER_GRANT && this.assertionGrant) return this.redeemAssertion(form, res);
    let clientId = form.get('client_id') ?? undefined;
    let clientSecret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      clientSecret = decodeURIComponent(secret ?? '');
    }
    if (!clientId || !this.clients.has(clientId)) {
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    }
    if (this.clients.get(clientId) !== clientSecret) {
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'Unauthorized' });
    }

    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') return this.exchangeCode(form, clientId, res);
    if (grantType === 'refresh_token') return this.refresh(form, clientId, res);
    sendJson(res, 400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grantType ?? ''}` });
  }

  private exchangeCode(form: URLSearchParams, clientId: string, res: ServerResponse): void {
    const codeValue = form.get('code') ?? '';
    const code = this.codes.get(codeValue);
    if (!code || code.grant.clientId !== clientId) {
      return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Malformed auth code.' });
    }
    if (code.used || code.expiresAt <= Date.now()) {
      return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Bad Request' });
    }
    if (form.get('redirect_uri') !== code.redirectUri) {
      return sendJson(res, 400, { error: 'redirect_uri_mismatch', error_description: 'Bad Request' });
    }
    if (code.codeChallenge !== undefined) {
      const verifier = form.get('code_verifier') ?? '';
      const computed = createHash('sha256').update(verifier).digest('base64url');
      if (verifier.length < 43 || verifier.length > 128 || computed !== code.codeChallenge) {
        return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid code verifier.' });
      }
    }
    code.used = true;
    const refreshToken = this.issue('1//0g');
    this.refreshTokens.set(refreshToken, code.grant);
    sendJson(res, 200, { ...this.newAccessToken(code.grant), refresh_token: refreshToken });
  }

  private refresh(form: URLSearchParams, clientId: string, res: ServerResponse): void {
    const grant = this.refreshTokens.get(form.get('refresh_token') ?? '');
    const presented = form.get('refresh_token') ?? '';
    if (!grant || grant.revoked || grant.clientId !== clientId) {
      return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    }
    if (!this.rotateRefreshTokens) return sendJson(res, 200, this.newAccessToken(grant));
    const refreshToken = this.issue('1//0g');
    this.refreshTokens.delete(presented);
    this.refreshTokens.set(refreshToken, grant);
    sendJson(res, 200, { ...this.newAccessToken(grant), refresh_token: refreshToken });
  }

  private redeemAssertion(form: URLSearchParams, res: ServerResponse): void {
    const outcome = this.assertionGrant!(form.get('assertion') ?? '');
    if (!outcome.ok) return sendJson(res, outcome.status, outcome.body);
    const grant: Grant = {
      id: randomBytes(8).toString('hex'),
      email: outcome.email,
      clientId: outcome.clientId,
      scope: outcome.scope,
      revoked: false,
    };
    // Google answers this grant with the token, its lifetime and type only (no scope, no refresh token).
    const { access_token, expires_in, token_type } = this.newAccessToken(grant);
    sendJson(res, 200, { access_token, expires_in, token_type });
  }

  private newAccessToken(grant: Grant): Record<string, unknown> {
    const accessToken = this.issue('ya29.a0');
    this.accessTokens.set(accessToken, { grant, expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000 });
    return { access_token: accessToken, expires_in: this.accessTokenTtlSeconds, scope: grant.scope, token_type: 'Bearer' };
  }

  /** POST /revoke?token=... (or token in the form body). Revoking either token ends the whole grant. */
  async revoke(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const token = url.searchParams.get('token') ?? form.get('token') ?? '';
    const grant = this.refreshTokens.get(token) ?? this.accessTokens.get(token)?.grant;
    if (!grant || grant.revoked) {
      return sendJson(res, 400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
    }
    grant.revoked = true;
    sendJson(res, 200, {});
  }

  /** GET /oauth2/v3/userinfo */
  userinfo(req: IncomingMessage, res: ServerResponse): void {
    const context = this.authenticate(req);
    if (!context) {
      return sendJson(
        res,
        401,
        { error: 'invalid_request', error_description: 'Invalid Credentials' },
        { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      );
    }
    const account = this.store.findAccount(context.email);
    if (!account) return sendJson(res, 401, { error: 'invalid_request', error_description: 'Invalid Credentials' });
    const body: Record<string, unknown> = { sub: account.sub };
    if (context.scopes.has('email') || context.scopes.has('https://www.googleapis.com/auth/userinfo.email')) {
      body.email = context.email;
      body.email_verified = true;
    }
    sendJson(res, 200, body);
  }
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function htmlError(res: ServerResponse, status: number, error: string, description: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!doctype html><title>Error ${status}: ${escapeHtml(error)}</title>` +
      `<h1>Error ${status}: ${escapeHtml(error)}</h1><p>${escapeHtml(description)}</p>`,
  );
}

/**
 * Sandbox sign-in and consent: asks for the email to sign in as and, like Google's granular consent screen,
 * offers every requested scope but the sign-in ones as a ticked box the user may untick; then repeats the
 * same request with login_hint, `consent=form` and the ticked scopes as `granted`.
 */
function signInForm(res: ServerResponse, url: URL, scopes: string[]): void {
  const hidden = [...url.searchParams.entries()]
    .filter(([key]) => key !== 'login_hint' && key !== 'granted' && key !== 'consent')
    .map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`)
    .join('');
  const boxes = scopes
    .filter((scope) => !SIGN_IN_SCOPES.has(scope))
    .map((scope) => `<label><input type="checkbox" name="granted" value="${escapeHtml(scope)}" checked> ${escapeHtml(scope)}</label><br>`)
    .join('');
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!doctype html><title>Sign in - Google Calendar sandbox</title><h1>Google Calendar sandbox</h1>` +
      `<form method="get" action="${escapeHtml(url.pathname)}">${hidden}<input type="hidden" name="consent" value="form">` +
      `<label>Email <input name="login_hint" type="email" required value="sandbox.user@example.com"></label><br>` +
      `<p>Allow the app to:</p>${boxes}` +
      `<button type="submit">Sign in and allow</button></form>`,
  );
}
