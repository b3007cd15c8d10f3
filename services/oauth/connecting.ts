// Connecting a calendar: the OAuth authorization-code flow with PKCE, bound to the CRM user who started it
// (RFC 9700 4.7: whoever completes the flow must prove they are that user).
//
//  1. startConnecting: the caller's organization and user, the PKCE verifier and the redirect URI are kept
//     server-side under the hash of a fresh `state` (ce_oauth_states, single-use, expiring).
//  2. The provider sends the browser to our callback with `code` and `state`. The callback attaches nothing:
//     it checks the state (checkCallback) and hands code and state to the CRM's return page.
//  3. completeConnecting: the CRM, holding the user's bearer token, sends code and state back. The state is
//     consumed; it must belong to the caller's organization AND user, else nothing is exchanged. So a link
//     forwarded to someone else, inside the organization or outside, can never put their calendar into the
//     sender's account (or the sender's into theirs). Then the code is exchanged, the granted permissions
//     checked, the account identified by what the provider guarantees stable (account-binding.ts), the
//     tokens stored in the vault and the connection's workflow started.
import { createHash } from 'node:crypto';
import type { ConnectionWorkflowClient } from '../../clients/connection-workflow';
import type { Db } from '../../db/client';
import type { ProviderId, TokenSet } from '../../providers/types';
import { ensureOrganization } from '../../data/connections';
import { hashSecret, newSecret } from '../secret-hash';
import type { ServiceDependencies } from '../dependencies';
import { bindAccount } from './account-binding';
import { OAuthFlowError } from './oauth-flow-error';
import { withCallContext } from '../provider-budget/call-context';

export { OAuthFlowError } from './oauth-flow-error';

/** How long a started authorization stays valid. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

export function redirectUriFor(publicUrl: string, provider: string): string {
  return `${publicUrl.replace(/\/$/, '')}/v1/oauth/${provider}/callback`;
}

function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export interface OAuthCaller {
  organizationId: string;
  userId: string;
}

export class ConnectionService {
  /**
   * `deps.db`, `deps.oauthClients` and `deps.tokens` act for the caller's organization (the API passes
   * tenant-scoped ones); OAuth states are looked up by the hash of their secret across organizations, with
   * `deps.systemDb`.
   */
  constructor(private readonly deps: ServiceDependencies & { workflows: ConnectionWorkflowClient }) {}

  /** Step 1: returns the provider's authorization URL for the user to visit. */
  async startConnecting(input: {
    organizationId: string;
    userId: string;
    provider: ProviderId;
    loginHint?: string;
    reconnectConnectionId?: string;
  }): Promise<{ authorizationUrl: string; state: string; expiresAt: Date }> {
    const { systemDb, providers, oauthClients, config } = this.deps;
    const runtime = providers.get(input.provider);
    const client = await oauthClients.forNewConnection(input.organizationId, input.provider);
    const state = newSecret();
    const codeVerifier = newSecret();
    const redirectUri = redirectUriFor(config.publicUrl, input.provider);
    const expiresAt = new Date(Date.now() + OAUTH_STATE_TTL_MS);
    await systemDb.oAuthState.create({
      data: {
        stateHash: hashSecret(state),
        organizationId: input.organizationId,
        userId: input.userId,
        provider: input.provider,
        codeVerifier,
        oauthClientId: client.oauthClientId,
        reconnectConnectionId: input.reconnectConnectionId ?? null,
        redirectUri,
        expiresAt,
      },
    });
    const authorizationUrl = runtime.adapter.buildAuthorizationUrl(client.credentials, {
      state,
      codeChallenge: pkceChallenge(codeVerifier),
      redirectUri,
      loginHint: input.loginHint,
    });
    return { authorizationUrl, state, expiresAt };
  }

  /**
   * Step 2 (the public callback): the state exists for this provider, is unused and has not expired. Nothing
   * is consumed or attached here: that takes the user's own authenticated call (step 3).
   */
  async checkCallback(input: { provider: ProviderId; state: string }): Promise<void> {
    const pending = await this.deps.systemDb.oAuthState.findUnique({ where: { stateHash: hashSecret(input.state) } });
    if (!pending || pending.provider !== input.provider || pending.consumedAt) {
      throw new OAuthFlowError('invalid_state', 'Unknown or already used authorization state');
    }
    if (pending.expiresAt.getTime() < Date.now())
      throw new OAuthFlowError('expired_state', 'The authorization expired; start connecting again');
  }

  /**
   * Step 3 (authenticated): consumes the state, which must be the caller's (organization and user), then
   * exchanges the code, checks the granted permissions, binds the account and starts its workflow.
   * `tenantDb` reads and writes the caller's organization's rows (row-level security on PostgreSQL).
   */
  async completeConnecting(
    caller: OAuthCaller,
    input: { provider: ProviderId; state: string; code: string },
    tenantDb: Db = this.deps.db,
  ): Promise<{ connectionId: string; reused: boolean }> {
    const { systemDb: db, providers, oauthClients, logger } = this.deps;
    const stateHash = hashSecret(input.state);
    // Single use, whoever presents it: only the request that flips consumed_at goes on. A state presented by
    // someone else is spent too, so its code can never be completed later by anyone.
    const { count } = await db.oAuthState.updateMany({
      where: { stateHash, provider: input.provider, consumedAt: null },
      data: { consumedAt: new Date() },
    });
    const pending = await db.oAuthState.findUnique({ where: { stateHash } });
    if (count !== 1 || !pending) throw new OAuthFlowError('invalid_state', 'Unknown or already used authorization state');
    if (pending.organizationId !== caller.organizationId || pending.userId !== caller.userId) {
      logger.warn({ provider: input.provider }, 'OAuth completion by another user than the one who started it refused');
      throw new OAuthFlowError('oauth_state_mismatch', 'This authorization was started by another user; start connecting yourself');
    }
    if (pending.expiresAt.getTime() < Date.now())
      throw new OAuthFlowError('expired_state', 'The authorization expired; start connecting again');

    const adapter = providers.get(input.provider).adapter;
    const client = pending.oauthClientId ? await oauthClients.resolve(pending.oauthClientId) : oauthClients.platformDefault(input.provider);
    const tokens = await adapter.exchangeCode(client.credentials, {
      code: input.code,
      codeVerifier: pending.codeVerifier,
      redirectUri: pending.redirectUri,
    });
    const missing = adapter.missingPermissions(tokens.scope);
    if (missing.length > 0) {
      // Granular consent: a grant without what the service needs is not kept (no half-working connection,
      // no reconnect loop); the user is told exactly what to allow.
      await this.revokeQuietly(input.provider, client.credentials, tokens);
      throw new OAuthFlowError('missing_permissions', `Allow every requested permission; not granted: ${missing.join('; ')}`, missing);
    }
    // The account is not known yet: the call draws from the project's budget only (interactive, a person waits).
    const meter = this.deps.budget.meterFor({ provider: input.provider, project: client.oauthClientId ?? 'platform' });
    const identity = await withCallContext({ priority: 'interactive', maxWaitMs: 10_000 }, () =>
      adapter.getAccountIdentity(client.credentials, { accessToken: tokens.accessToken, idToken: tokens.idToken, meter }),
    ).catch((error: unknown) => {
      throw meter.refusal ?? error;
    });

    await ensureOrganization(tenantDb, pending.organizationId);
    let bound: Awaited<ReturnType<typeof bindAccount>>;
    try {
      bound = await bindAccount(tenantDb, {
        organizationId: pending.organizationId,
        userId: pending.userId,
        provider: input.provider,
        identity,
        oauthClientId: client.oauthClientId,
        reconnectConnectionId: pending.reconnectConnectionId,
      });
    } catch (error) {
      await this.revokeQuietly(input.provider, client.credentials, tokens);
      throw error;
    }
    await this.deps.tokens.storeTokens(bound.connectionId, tokens, tenantDb);
    const connection = { id: bound.connectionId, organizationId: pending.organizationId, userId: pending.userId, provider: input.provider };
    await this.deps.workflows.connected(connection, bound.reused);
    logger.info({ connectionId: bound.connectionId, provider: input.provider, reused: bound.reused }, 'calendar connected');
    return bound;
  }

  /** Tokens we will not keep are given back to the provider (best effort: the refusal stands either way). */
  private async revokeQuietly(provider: ProviderId, credentials: { clientId: string; clientSecret: string }, tokens: TokenSet) {
    await this.deps.providers
      .get(provider)
      .adapter.revoke(credentials, tokens.refreshToken ?? tokens.accessToken)
      .catch(() => undefined);
  }
}
