// Microsoft identity platform v2 as the fake emulates it: registered clients, authorization codes bound to
// a PKCE S256 challenge, access tokens that expire, refresh tokens that ROTATE on every refresh (the old one
// stops working), and the AADSTS error bodies the real token endpoint returns.
import { createHash, randomUUID } from 'node:crypto';
import { newOpaqueToken } from './ids';

export class IdentityError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    description: string,
  ) {
    super(description);
  }

  body() {
    return {
      error: this.error,
      error_description:
        `AADSTS${this.aadsts}: ${this.message} Trace ID: ${randomUUID()} ` +
        `Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
      error_codes: [this.aadsts],
      timestamp: new Date()
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d{3}Z$/, 'Z'),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    };
  }
}

interface CodeGrant {
  clientId: string;
  email: string;
  /** The mailbox user's object id (the id_token's `oid`); absent in older state files. */
  objectId?: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  expiresAt: number;
  redeemed: boolean;
}

interface RefreshGrant {
  clientId: string;
  email: string;
  objectId?: string;
  scope: string;
  valid: boolean;
}

interface AccessGrant {
  email: string;
  expiresAt: number;
  revoked: boolean;
}

export interface IssuedTokens {
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
}

const CODE_TTL_MS = 10 * 60_000;

/** Clients and every code and token issued, as plain JSON for the sandbox state file. */
export interface IdentityState {
  clients: Array<[clientId: string, clientSecret: string]>;
  codes: Array<[code: string, grant: CodeGrant]>;
  refreshTokens: Array<[token: string, grant: RefreshGrant]>;
  accessTokens: Array<[token: string, grant: AccessGrant]>;
}

export class IdentityProvider {
  private readonly clients = new Map<string, string>();
  private readonly codes = new Map<string, CodeGrant>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly accessTokens = new Map<string, AccessGrant>();

  constructor(
    private readonly accessTokenTtlSeconds: number,
    private readonly tenantId: string,
  ) {}

  exportState(): IdentityState {
    return {
      clients: [...this.clients],
      codes: [...this.codes],
      refreshTokens: [...this.refreshTokens],
      accessTokens: [...this.accessTokens],
    };
  }

  importState(state: IdentityState): void {
    const refill = <V>(map: Map<string, V>, entries: Array<[string, V]>) => {
      map.clear();
      for (const [key, value] of entries) map.set(key, value);
    };
    refill(this.clients, state.clients);
    refill(this.codes, state.codes);
    refill(this.refreshTokens, state.refreshTokens);
    refill(this.accessTokens, state.accessTokens);
  }

  registerClient(clientId: string, clientSecret: string): void {
    this.clients.set(clientId, clientSecret);
  }

  hasClient(clientId: string): boolean {
    return this.clients.has(clientId);
  }

  /** The authorize step after sign-in and consent: returns the code for the redirect. */
  issueCode(input: {
    clientId: string;
    email: string;
    objectId: string;
    redirectUri: string;
    codeChallenge: string;
    scope: string;
  }): string {
    const code = newOpaqueToken('0.AXoA', 48);
    this.codes.set(code, { ...input, expiresAt: Date.now() + CODE_TTL_MS, redeemed: false });
    return code;
  }

  checkClient(clientId: string | undefined, clientSecret: string | undefined): string {
    if (!clientId || !this.clients.has(clientId)) {
      throw new IdentityError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId ?? ''}' was not found in the directory.`,
      );
    }
    if (this.clients.get(clientId) !== clientSecret) {
      throw new IdentityError(
        401,
        'invalid_client',
        7000215,
        'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      );
    }
    return clientId;
  }

  /** POST /{tenant}/oauth2/v2.0/token with a form body. */
  token(form: Record<string, string | undefined>): IssuedTokens {
    const clientId = this.checkClient(form.client_id, form.client_secret);
    if (form.grant_type === 'authorization_code') return this.redeemCode(clientId, form);
    if (form.grant_type === 'refresh_token') return this.redeemRefreshToken(clientId, form);
    throw new IdentityError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${form.grant_type ?? ''}'.`,
    );
  }

  private redeemCode(clientId: string, form: Record<string, string | undefined>): IssuedTokens {
    const grant = form.code ? this.codes.get(form.code) : undefined;
    if (!grant || grant.clientId !== clientId) {
      throw new IdentityError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
    }
    if (grant.redeemed) {
      throw new IdentityError(
        400,
        'invalid_grant',
        54005,
        'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
      );
    }
    if (grant.expiresAt < Date.now()) {
      throw new IdentityError(
        400,
        'invalid_grant',
        70008,
        'The provided authorization code or refresh token has expired due to inactivity. ' +
          'Send a new interactive authorization request for this user and resource.',
      );
    }
    if (grant.redirectUri !== form.redirect_uri) {
      throw new IdentityError(400, 'invalid_grant', 50148, 'The redirect_uri does not match the one used in the authorization request.');
    }
    const verifier = form.code_verifier ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (!verifier || challenge !== grant.codeChallenge) {
      throw new IdentityError(
        400,
        'invalid_grant',
        501481,
        'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
      );
    }
    grant.redeemed = true;
    return this.issue(clientId, grant.email, grant.scope, grant.objectId);
  }

  private redeemRefreshToken(clientId: string, form: Record<string, string | undefined>): IssuedTokens {
    const grant = form.refresh_token ? this.refreshTokens.get(form.refresh_token) : undefined;
    if (!grant || !grant.valid || grant.clientId !== clientId) {
      throw new IdentityError(
        400,
        'invalid_grant',
        70008,
        'The provided authorization code or refresh token has expired due to inactivity. ' +
          'Send a new interactive authorization request for this user and resource.',
      );
    }
    // Rotation: the presented refresh token is spent; only the newly issued one works from now on.
    grant.valid = false;
    return this.issue(clientId, grant.email, grant.scope, grant.objectId);
  }

  private issue(clientId: string, email: string, scope: string, objectId: string | undefined): IssuedTokens {
    const accessToken = newOpaqueToken('EwB', 64);
    this.accessTokens.set(accessToken, { email, expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000, revoked: false });
    const scopes = scope.split(/\s+/).filter(Boolean);
    const tokens: IssuedTokens = {
      token_type: 'Bearer',
      // Graph scopes come back fully qualified, the OIDC ones are not echoed in `scope`.
      scope: scopes
        .filter((s) => !['openid', 'email', 'profile', 'offline_access'].includes(s))
        .map((s) => (s.includes('://') ? s : `https://graph.microsoft.com/${s}`))
        .join(' '),
      expires_in: this.accessTokenTtlSeconds,
      ext_expires_in: this.accessTokenTtlSeconds,
      access_token: accessToken,
    };
    if (scopes.includes('offline_access')) {
      const refreshToken = newOpaqueToken('0.AXoA-rt.', 96);
      this.refreshTokens.set(refreshToken, { clientId, email, scope, valid: true, ...(objectId ? { objectId } : {}) });
      tokens.refresh_token = refreshToken;
    }
    if (scopes.includes('openid')) tokens.id_token = this.idToken(clientId, email, objectId);
    return tokens;
  }

  /**
   * An unsigned id_token with the v2.0 claims: `oid` (the user's object id, the same for every app), `tid`
   * (the tenant), `sub` (pairwise: different per app) and the display claims. Clients that got it straight
   * from the token endpoint over TLS may read it without checking a signature (OpenID Connect Core 3.1.3.7).
   */
  private idToken(clientId: string, email: string, objectId: string | undefined): string {
    const now = Math.floor(Date.now() / 1000);
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${part({ typ: 'JWT', alg: 'none' })}.${part({
      aud: clientId,
      iss: `https://login.microsoftonline.com/${this.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      email,
      preferred_username: email,
      tid: this.tenantId,
      ...(objectId ? { oid: objectId, sub: createHash('sha256').update(`${clientId}:${objectId}`).digest('base64url').slice(0, 43) } : {}),
      ver: '2.0',
    })}.`;
  }

  /** The mailbox an access token belongs to, or undefined when unknown, expired or revoked. */
  authenticate(accessToken: string): string | undefined {
    const grant = this.accessTokens.get(accessToken);
    if (!grant || grant.revoked || grant.expiresAt <= Date.now()) return undefined;
    return grant.email;
  }

  revokeGrants(email: string): void {
    const key = email.toLowerCase();
    for (const g of this.refreshTokens.values()) if (g.email === key) g.valid = false;
    for (const g of this.accessTokens.values()) if (g.email === key) g.revoked = true;
  }

  expireAccessTokens(email?: string): void {
    for (const g of this.accessTokens.values()) if (!email || g.email === email.toLowerCase()) g.expiresAt = 0;
  }

  issuedSecrets(): string[] {
    return [...this.codes.keys(), ...this.refreshTokens.keys(), ...this.accessTokens.keys(), ...this.clients.values()];
  }
}
