// Connecting a calendar: the OAuth authorization-code flow with PKCE, from "start connecting" to a stored,
// vault-encrypted token set, a connection row and its running workflow. State and verifier stay
// server-side (ce_oauth_states, single-use, expiring); the browser only ever sees the state.
import { createHash } from 'node:crypto';
import { Prisma } from '../../db/client';
import type { ProviderId } from '../../providers/types';
import type { ConnectionWorkflowClient } from '../../clients/connection-workflow';
import { ensureOrganization } from '../../data/connections';
import { hashSecret, newSecret } from '../secret-hash';
import type { ServiceDependencies } from '../dependencies';
import { withCallContext } from '../provider-budget/call-context';

/** How long a started authorization stays valid. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

export class OAuthFlowError extends Error {
  constructor(
    readonly code: 'invalid_state' | 'expired_state' | 'provider_denied' | 'exchange_failed' | 'account_mismatch',
    message: string,
  ) {
    super(message);
    this.name = 'OAuthFlowError';
  }
}

export function redirectUriFor(publicUrl: string, provider: string): string {
  return `${publicUrl.replace(/\/$/, '')}/v1/oauth/${provider}/callback`;
}

function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export class ConnectionService {
  constructor(private readonly deps: ServiceDependencies & { workflows: ConnectionWorkflowClient }) {}

  /** Step 1: returns the provider's authorization URL for the user to visit. */
  async startConnecting(input: {
    organizationId: string;
    userId: string;
    provider: ProviderId;
    loginHint?: string;
    reconnectConnectionId?: string;
  }): Promise<{ authorizationUrl: string; state: string; expiresAt: Date }> {
    const { db, providers, oauthClients, config } = this.deps;
    const runtime = providers.get(input.provider);
    const client = await oauthClients.forNewConnection(input.organizationId, input.provider);
    const state = newSecret();
    const codeVerifier = newSecret();
    const redirectUri = redirectUriFor(config.publicUrl, input.provider);
    const expiresAt = new Date(Date.now() + OAUTH_STATE_TTL_MS);
    await db.oAuthState.create({
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
   * Step 2 (the OAuth callback): consumes the state, exchanges the code, stores the tokens in the vault,
   * creates (or reuses) the connection and starts (or wakes) its workflow.
   */
  async completeConnecting(input: { provider: ProviderId; state: string; code: string }): Promise<{
    connectionId: string;
    organizationId: string;
    userId: string;
    reused: boolean;
  }> {
    const { db, providers, oauthClients, tokens, logger } = this.deps;
    const stateHash = hashSecret(input.state);
    // Single use: only the request that flips consumed_at gets to exchange the code.
    const { count } = await db.oAuthState.updateMany({
      where: { stateHash, provider: input.provider, consumedAt: null },
      data: { consumedAt: new Date() },
    });
    const pending = await db.oAuthState.findUnique({ where: { stateHash } });
    if (count !== 1 || !pending) throw new OAuthFlowError('invalid_state', 'Unknown or already used authorization state');
    if (pending.expiresAt.getTime() < Date.now())
      throw new OAuthFlowError('expired_state', 'The authorization expired; start connecting again');

    const runtime = providers.get(input.provider);
    const client = pending.oauthClientId ? await oauthClients.resolve(pending.oauthClientId) : oauthClients.platformDefault(input.provider);
    const tokenSet = await runtime.adapter.exchangeCode(client.credentials, {
      code: input.code,
      codeVerifier: pending.codeVerifier,
      redirectUri: pending.redirectUri,
    });
    // The account is not known yet: the call draws from the project's budget only (interactive, a person waits).
    const meter = this.deps.budget.meterFor({ provider: input.provider, project: client.oauthClientId ?? 'platform' });
    const email = (
      await withCallContext({ priority: 'interactive', maxWaitMs: 10_000 }, () =>
        runtime.adapter.getAccountEmail({ accessToken: tokenSet.accessToken, meter }),
      ).catch((error: unknown) => {
        throw meter.refusal ?? error;
      })
    ).toLowerCase();

    if (pending.reconnectConnectionId) {
      // Reconnecting must restore the same calendar account, not quietly connect another one.
      const target = await db.calendarConnection.findUnique({ where: { id: pending.reconnectConnectionId } });
      if (!target || target.externalAccountEmail !== email || target.provider !== input.provider) {
        throw new OAuthFlowError('account_mismatch', 'Reconnect with the same calendar account the connection was made with');
      }
    }
    await ensureOrganization(db, pending.organizationId);
    const existing = await db.calendarConnection.findUnique({
      where: {
        organizationId_provider_externalAccountEmail: {
          organizationId: pending.organizationId,
          provider: input.provider,
          externalAccountEmail: email,
        },
      },
    });
    if (existing && existing.userId !== pending.userId && existing.status !== 'disconnected') {
      throw new OAuthFlowError('provider_denied', 'This calendar account is already connected by another user of the organization');
    }
    let connectionId: string;
    let reused = false;
    try {
      if (existing) {
        reused = true;
        connectionId = existing.id;
        await db.calendarConnection.update({
          where: { id: existing.id },
          data: {
            userId: pending.userId,
            status: 'active',
            disconnectedAt: null,
            lastErrorCode: null,
            lastErrorAt: null,
            oauthClientId: client.oauthClientId,
          },
        });
      } else {
        const created = await db.calendarConnection.create({
          data: {
            organizationId: pending.organizationId,
            userId: pending.userId,
            provider: input.provider,
            externalAccountEmail: email,
            oauthClientId: client.oauthClientId,
          },
        });
        connectionId = created.id;
      }
    } catch (error) {
      // Two callbacks for the same new account at once: the second reuses the first's row.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        return this.completeConnectingRetry(input, pending, tokenSet, email);
      }
      throw error;
    }
    await tokens.storeTokens(connectionId, tokenSet);
    const connection = { id: connectionId, organizationId: pending.organizationId, userId: pending.userId, provider: input.provider };
    await this.deps.workflows.connected(connection, reused);
    logger.info({ connectionId, provider: input.provider, reused }, 'calendar connected');
    return { connectionId, organizationId: pending.organizationId, userId: pending.userId, reused };
  }

  private async completeConnectingRetry(
    input: { provider: ProviderId },
    pending: { organizationId: string; userId: string },
    tokenSet: Parameters<ServiceDependencies['tokens']['storeTokens']>[1],
    email: string,
  ) {
    const row = await this.deps.db.calendarConnection.findUniqueOrThrow({
      where: {
        organizationId_provider_externalAccountEmail: {
          organizationId: pending.organizationId,
          provider: input.provider,
          externalAccountEmail: email,
        },
      },
    });
    await this.deps.tokens.storeTokens(row.id, tokenSet);
    await this.deps.workflows.connected(row, true);
    return { connectionId: row.id, organizationId: pending.organizationId, userId: pending.userId, reused: true };
  }
}
