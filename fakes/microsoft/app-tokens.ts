// The client credentials grant at /{tenant}/oauth2/v2.0/token (learn.microsoft.com/entra/identity-platform/
// v2-oauth2-client-creds-grant-flow): client_id + client_secret, scope `https://graph.microsoft.com/.default`,
// answered with an app-only access token carrying the Graph app roles admin-consented in that tenant. Like the
// real ones the tokens are JWTs a client may read (roles, tid, appid) but should not validate; the fake knows
// them by value. A token stays valid until it expires, even after consent is withdrawn (the roles are in it).
import { createHash, randomBytes } from 'node:crypto';

import { IdentityError, type IdentityProvider } from './identity';
import type { Tenant, Tenants } from './tenants';

export interface AppContext {
  tenantId: string;
  clientId: string;
  roles: string[];
  expiresAt: number;
}

export type AppTokensState = Array<[token: string, context: AppContext]>;

const GRAPH = 'https://graph.microsoft.com';

/** The service principal's object id in a tenant: stable for a (tenant, app) pair, as Entra's is. */
export function servicePrincipalId(tenantId: string, clientId: string): string {
  const hex = createHash('sha256').update(`${tenantId}:${clientId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export class AppTokens {
  private readonly tokens = new Map<string, AppContext>();

  constructor(
    private readonly tenants: Tenants,
    private readonly identity: IdentityProvider,
    private readonly ttlSeconds: number,
  ) {}

  exportState(): AppTokensState {
    return [...this.tokens];
  }

  importState(state: AppTokensState | undefined): void {
    this.tokens.clear();
    for (const [token, context] of state ?? []) this.tokens.set(token, context);
  }

  /** POST /{tenant}/oauth2/v2.0/token with grant_type=client_credentials. Throws IdentityError in AADSTS terms. */
  clientCredentials(tenantParam: string, form: Record<string, string | undefined>): Record<string, unknown> {
    const tenant = this.tenants.find(tenantParam);
    if (!tenant) {
      throw new IdentityError(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenantParam}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    const clientId = form.client_id ?? '';
    const roles = this.identity.hasClient(clientId) ? this.tenants.grantedRoles(tenant, clientId) : undefined;
    if (roles === undefined) throw notInDirectory(clientId, tenant);
    if (form.client_secret === undefined) {
      // Certificate and federated assertions exist (client_assertion); the fake accepts secrets only.
      throw new IdentityError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    this.identity.checkClient(clientId, form.client_secret);
    const scope = form.scope?.trim();
    if (!scope) throw new IdentityError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
    if (!scope.endsWith('/.default')) {
      throw new IdentityError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed ` +
          'to the resource identifier (application ID URI).',
      );
    }
    if (scope !== `${GRAPH}/.default`) {
      throw new IdentityError(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${scope.slice(0, -'/.default'.length)} was not found in the tenant named ${tenant.displayName}.`,
      );
    }
    const token = this.token(tenant, clientId, roles);
    this.tokens.set(token, { tenantId: tenant.id, clientId, roles: [...roles], expiresAt: Date.now() + this.ttlSeconds * 1000 });
    return { token_type: 'Bearer', expires_in: this.ttlSeconds, ext_expires_in: this.ttlSeconds, access_token: token };
  }

  /** The app behind a bearer token, or undefined when it is not a live app-only token of this fake. */
  authenticate(token: string): AppContext | undefined {
    const context = this.tokens.get(token);
    return context && context.expiresAt > Date.now() ? context : undefined;
  }

  /** Every app-only token issued so far expires now (or only those of one tenant). */
  expire(tenantId?: string): void {
    for (const context of this.tokens.values()) if (!tenantId || context.tenantId === tenantId) context.expiresAt = 0;
  }

  issuedSecrets(): string[] {
    return [...this.tokens.keys()];
  }

  /** A v1.0 Graph access token's claims (an app-only token has `roles`, `idtyp: app`, no `scp`). */
  private token(tenant: Tenant, clientId: string, roles: string[]): string {
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const oid = servicePrincipalId(tenant.id, clientId);
    const claims = {
      aud: GRAPH,
      iss: `https://sts.windows.net/${tenant.id}/`,
      iat: now,
      nbf: now,
      exp: now + this.ttlSeconds,
      appid: clientId,
      appidacr: '1',
      idp: `https://sts.windows.net/${tenant.id}/`,
      idtyp: 'app',
      oid,
      ...(roles.length > 0 ? { roles } : {}),
      sub: oid,
      tid: tenant.id,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
    };
    return `${part({ typ: 'JWT', alg: 'RS256', kid: 'sandbox' })}.${part(claims)}.${randomBytes(64).toString('base64url')}`;
  }
}

/** AADSTS700016 as the token endpoint words it when the app has no service principal in the tenant. */
export function notInDirectory(clientId: string, tenant: Tenant): IdentityError {
  return new IdentityError(
    400,
    'unauthorized_client',
    700016,
    `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'. This can happen if the ` +
      'application has not been installed by the administrator of the tenant or consented to by any user in the tenant. ' +
      'You may have sent your authentication request to the wrong tenant.',
  );
}
