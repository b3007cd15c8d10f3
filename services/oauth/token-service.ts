// Access tokens for provider calls. `getFreshAccessToken` resolves vault-first, falls back to the legacy
// plaintext columns only for rows the vault migration has not reached, refreshes near expiry (storing a
// rotated refresh token), and records a failed refresh on the connection so the workflow and the API show
// "reconnect needed". Refreshes of one connection are serialised so none uses a rotated-away refresh token.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../db/client';
import { loadActiveConnection, recordReconnectNeeded, type ConnectionRow } from '../../data/connections';
import { ProviderError, isProviderError } from '../../providers/errors';
import type { ProviderRegistry } from '../../providers/registry';
import type { CallAuth, TokenSet } from '../../providers/types';
import type { Vault } from '../../vault/vault';
import type { ServiceMetrics } from '../../observability/metrics';
import type { ProviderBudget } from '../provider-budget/budget';
import type { BudgetScope } from '../provider-budget/limits';
import type { OAuthClientResolver } from './oauth-clients';
import { isAdminActionCode, recordOrganizationGrantRevoked } from '../../data/organization-connections';
import { ADMIN_ACTIONS } from '../../domain/organization-connections';
import { mailboxOf, organizationGrant } from '../organization/grant';

/** Refresh when the access token has less than this left. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export interface FreshToken {
  accessToken: string;
  expiresAt: Date;
}

export class TokenService {
  /** In-flight refresh per connection: concurrent callers share it instead of refreshing twice. */
  readonly #refreshing = new Map<string, Promise<FreshToken>>();

  constructor(
    private readonly deps: {
      db: Db;
      vault: Vault;
      providers: ProviderRegistry;
      oauthClients: OAuthClientResolver;
      budget: ProviderBudget;
      logger: Logger;
      /** Counts provider calls and throttles (calendar_provider_calls_total, calendar_provider_throttles_total). */
      metrics?: ServiceMetrics;
    },
  ) {}

  async getFreshAccessToken(connectionId: string, options: { forceRefresh?: boolean } = {}): Promise<FreshToken> {
    return this.#freshTokenOf(await this.#load(connectionId), options);
  }

  /** The connection's access token from the row just loaded (one read per provider call, not two). */
  async #freshTokenOf(connection: ConnectionRow, options: { forceRefresh?: boolean } = {}): Promise<FreshToken> {
    const connectionId = connection.id;
    if (!options.forceRefresh && connection.tokenExpiresAt && connection.tokenExpiresAt.getTime() - Date.now() > REFRESH_MARGIN_MS) {
      const accessToken = await this.#accessTokenOf(connection);
      if (accessToken) return { accessToken, expiresAt: connection.tokenExpiresAt };
    }
    return this.refresh(connectionId, connection.tokenExpiresAt);
  }

  /**
   * Refreshes the connection's tokens. `seenExpiresAt` is the expiry the caller found stale: if another
   * caller has refreshed since, its result is used instead of refreshing again.
   */
  refresh(connectionId: string, seenExpiresAt: Date | null = null): Promise<FreshToken> {
    const inFlight = this.#refreshing.get(connectionId);
    if (inFlight) return inFlight;
    const refresh = this.#refresh(connectionId, seenExpiresAt).finally(() => this.#refreshing.delete(connectionId));
    this.#refreshing.set(connectionId, refresh);
    return refresh;
  }

  /**
   * Calls the provider with a fresh token, every request metered by the provider budget (the only way a
   * connection's calls reach a provider); a 401 refreshes once and retries (the token may be revoked early).
   * When the provider says the account must stop (quota exhausted, Retry-After), the budget blocks the account
   * for every process.
   */
  async withAccessToken<T>(connectionId: string, call: (auth: CallAuth) => Promise<T>): Promise<T> {
    const connection = await this.#load(connectionId);
    const scope = budgetScopeOf(connection);
    const meter = this.deps.budget.meterFor(scope);
    const token = await this.#freshTokenOf(connection);
    const provider = connection.provider;
    const mailbox = mailboxOf(connection);
    try {
      let result: T;
      try {
        result = await call({ accessToken: token.accessToken, meter, ...(mailbox ? { mailbox } : {}) });
      } catch (error) {
        if (!isProviderError(error, 'unauthorized')) throw error;
        this.#count(provider, error);
        const refreshed = await this.refresh(connectionId, token.expiresAt);
        result = await call({ accessToken: refreshed.accessToken, meter, ...(mailbox ? { mailbox } : {}) });
      }
      this.#count(provider, null);
      return result;
    } catch (error) {
      // The budget's own refusal is the truth (the client library wrapped it as a network failure).
      const failure = meter.refusal ?? error;
      this.#count(provider, failure);
      throw await this.#heedStopSignals(scope, failure);
    }
  }

  /** One provider call's outcome in the metrics: ok, or the failure's kind; throttles counted apart. */
  #count(provider: string, error: unknown): void {
    const { metrics } = this.deps;
    if (!metrics) return;
    // The budget's own refusal (budget_exhausted) is no provider answer: counted as such, not as a throttle.
    const budgetRefusal = isProviderError(error) && error.details.code === 'budget_exhausted';
    const outcome = error === null ? 'ok' : budgetRefusal ? 'budget_exhausted' : isProviderError(error) ? error.kind : 'error';
    metrics.providerCalls.inc({ provider, outcome });
    if (outcome === 'rate_limited' || outcome === 'quota_exhausted') metrics.providerThrottles.inc({ provider });
  }

  /** A provider's "stop" becomes a block of the account in the shared budget. */
  async #heedStopSignals(scope: BudgetScope, error: unknown): Promise<unknown> {
    if (!isProviderError(error) || error.details.code === 'budget_exhausted' || error.details.code === 'quota_exhausted') return error;
    const { budget } = this.deps;
    if (error.kind === 'quota_exhausted') {
      const seconds = Math.ceil(budget.limits.quotaBackoffMs / 1000);
      await budget.block(scope, 'quota_exhausted', seconds);
      return new ProviderError('quota_exhausted', error.provider, error.message, { ...error.details, retryAfterSeconds: seconds });
    }
    if (error.kind === 'rate_limited' && error.details.retryAfterSeconds) {
      await budget.block(scope, 'rate_limited', error.details.retryAfterSeconds);
    }
    return error;
  }

  /**
   * Stores a token set from a code exchange or refresh in the vault and links it to the connection (the
   * id_token is never stored). `db`: the client to use (the API passes its tenant-scoped one).
   */
  async storeTokens(connectionId: string, tokens: TokenSet, db: Db = this.deps.db): Promise<void> {
    const { vault } = this.deps;
    await db.$transaction(async (tx) => {
      const connection = await tx.calendarConnection.findUniqueOrThrow({ where: { id: connectionId } });
      const txVault = vault.using(tx);
      const accessTokenCredentialId = await upsertCredential(txVault, connection.accessTokenCredentialId, {
        kind: 'access_token',
        organizationId: connection.organizationId,
        secret: tokens.accessToken,
      });
      const refreshTokenCredentialId = tokens.refreshToken
        ? await upsertCredential(txVault, connection.refreshTokenCredentialId, {
            kind: 'refresh_token',
            organizationId: connection.organizationId,
            secret: tokens.refreshToken,
          })
        : connection.refreshTokenCredentialId;
      await tx.calendarConnection.update({
        where: { id: connectionId },
        data: {
          accessTokenCredentialId,
          refreshTokenCredentialId,
          tokenExpiresAt: tokens.expiresAt,
          ...(tokens.scope ? { scopes: tokens.scope } : {}),
          // A token now in the vault supersedes its legacy plaintext copy, which must not linger.
          accessTokenEncrypted: null,
          ...(tokens.refreshToken ? { refreshTokenEncrypted: null } : {}),
        },
      });
    });
  }

  async #refresh(connectionId: string, seenExpiresAt: Date | null): Promise<FreshToken> {
    const correlationId = randomUUID();
    const log = this.deps.logger.child({ correlationId, connectionId });
    const connection = await this.#load(connectionId);
    // Someone refreshed after our caller looked: use that token.
    if (connection.tokenExpiresAt && seenExpiresAt && connection.tokenExpiresAt > seenExpiresAt) {
      const accessToken = await this.#accessTokenOf(connection);
      if (accessToken) return { accessToken, expiresAt: connection.tokenExpiresAt };
    }
    if (connection.organizationConnectionId) return this.#mintForOrganization(connection, log);
    const refreshToken = await this.#refreshTokenOf(connection);
    if (!refreshToken) {
      await this.#recordFailure(connectionId, 'no_refresh_token');
      log.warn({ error_code: 'no_refresh_token' }, 'token refresh impossible');
      throw new ProviderError('access_revoked', connection.provider, 'No refresh token stored: reconnect needed', {
        code: 'no_refresh_token',
      });
    }
    const runtime = this.deps.providers.get(connection.provider);
    const client = await this.deps.oauthClients.forConnection(connection);
    let tokens: TokenSet;
    try {
      tokens = await runtime.adapter.refresh(client.credentials, refreshToken);
    } catch (error) {
      const code = isProviderError(error) ? (error.details.code ?? error.kind) : 'refresh_failed';
      log.warn({ error_code: code, kind: isProviderError(error) ? error.kind : undefined }, 'token refresh failed');
      if (isProviderError(error, 'access_revoked')) await this.#recordFailure(connectionId, 'invalid_grant');
      throw error;
    }
    await this.storeTokens(connectionId, tokens);
    log.info({ rotated: Boolean(tokens.refreshToken), expiresAt: tokens.expiresAt.toISOString() }, 'token refreshed');
    return { accessToken: tokens.accessToken, expiresAt: tokens.expiresAt };
  }

  /**
   * An organization-managed connection has no refresh token: its tokens are minted from the organization's
   * grant (Google: JWT-bearer with `sub` = the user; Microsoft: client credentials). A grant the provider
   * refuses flags the organization connection and all its connections at once; while it is flagged no
   * token is asked for at all.
   */
  async #mintForOrganization(connection: ConnectionRow, log: Logger): Promise<FreshToken> {
    const { db, providers } = this.deps;
    const org = await db.organizationConnection.findUnique({ where: { id: connection.organizationConnectionId! } });
    const action = ADMIN_ACTIONS[connection.provider as keyof typeof ADMIN_ACTIONS];
    // A removed organization connection still mints while its connections disconnect (push channels stop).
    if (!org || (org.status !== 'active' && org.status !== 'removed')) {
      const code = isAdminActionCode(org?.statusReason) ? org.statusReason : action.code;
      await this.#recordFailure(connection.id, code);
      throw new ProviderError('access_revoked', connection.provider, 'The organization connection has no working grant', { code });
    }
    let tokens: TokenSet;
    try {
      const grant = await organizationGrant(this.deps, org);
      const user = { id: mailboxOf(connection) ?? connection.externalAccountEmail, email: connection.externalAccountEmail };
      tokens = await providers.get(connection.provider).organization.userToken(grant, user);
    } catch (error) {
      const code = isProviderError(error) ? (error.details.code ?? error.kind) : 'token_failed';
      log.warn({ error_code: code, organizationConnectionId: org.id }, 'organization token refused');
      if (isProviderError(error, 'access_revoked')) {
        if (isAdminActionCode(code)) await recordOrganizationGrantRevoked(db, org.id);
        else await this.#recordFailure(connection.id, code);
      }
      throw error;
    }
    await this.storeTokens(connection.id, tokens);
    log.info({ expiresAt: tokens.expiresAt.toISOString(), organizationConnectionId: org.id }, 'organization token minted');
    return { accessToken: tokens.accessToken, expiresAt: tokens.expiresAt };
  }

  #load(connectionId: string): Promise<ConnectionRow> {
    return loadActiveConnection(this.deps.db, connectionId);
  }

  async #accessTokenOf(connection: ConnectionRow): Promise<string | null> {
    if (connection.accessTokenCredentialId) return this.deps.vault.get(connection.accessTokenCredentialId);
    return connection.migrationRequired ? connection.accessTokenEncrypted : null;
  }

  async #refreshTokenOf(connection: ConnectionRow): Promise<string | null> {
    if (connection.refreshTokenCredentialId) return this.deps.vault.get(connection.refreshTokenCredentialId);
    return connection.migrationRequired ? connection.refreshTokenEncrypted : null;
  }

  #recordFailure(connectionId: string, errorCode: string): Promise<void> {
    return recordReconnectNeeded(this.deps.db, connectionId, errorCode);
  }
}

async function upsertCredential(
  vault: Vault,
  existingId: string | null,
  input: { kind: 'access_token' | 'refresh_token'; organizationId: string; secret: string },
): Promise<string> {
  if (existingId) {
    await vault.replace(existingId, input.secret);
    return existingId;
  }
  return vault.put(input);
}

/** Whose budget a connection's calls draw from: its OAuth client's project and its account. */
export function budgetScopeOf(
  connection: Pick<ConnectionRow, 'provider' | 'oauthClientId' | 'externalAccountEmail'> &
    Partial<Pick<ConnectionRow, 'organizationConnectionId'>>,
): BudgetScope {
  const organization = connection.organizationConnectionId ? `organization:${connection.organizationConnectionId}` : undefined;
  return {
    provider: connection.provider as BudgetScope['provider'],
    project: connection.oauthClientId ?? organization ?? 'platform',
    account: connection.externalAccountEmail.toLowerCase(),
  };
}
