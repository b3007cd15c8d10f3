// The long-lived objects every process needs (database, vault, providers, token service), built once from
// configuration. The worker and the API build the same set; tests build it against the fakes.
import type { Logger } from 'pino';
import type { Config } from '../config';
import { ServiceMetrics } from '../observability/metrics';
import { createLogger } from '../config/logger';
import { createDb, type Db } from '../db/client';
import type { ProviderRegistry } from '../providers/registry';
import { providerRegistry } from '../providers/catalog';
import type { DataConverter } from '@temporalio/common';
import { temporalDataConverter } from './attendee-sealing-codec';
import { loadStartupKeyring } from '../vault/development-keyring';
import type { Keyring } from '../vault/keyring';
import { Vault } from '../vault/vault';
import { OAuthClientResolver } from './oauth/oauth-clients';
import { ProviderBudget } from './provider-budget/budget';
import { budgetLimitsFrom, type BudgetLimits } from './provider-budget/limits';
import { TokenService } from './oauth/token-service';
import { PushTokens } from './push-tokens';

export interface ServiceDependencies {
  config: Config;
  logger: Logger;
  /** The process's client: the worker's is the system role's; the API scopes it per request (api/tenant-context.ts). */
  db: Db;
  /** The system role's client (SYSTEM_DATABASE_URL, else the same as db): work across organizations. */
  systemDb: Db;
  vault: Vault;
  providers: ProviderRegistry;
  oauthClients: OAuthClientResolver;
  tokens: TokenService;
  /** Every provider request of every process draws from it (services/provider-budget). */
  budget: ProviderBudget;
  /** For every Temporal client and worker: seals attendee lists in payloads (services/attendee-sealing-codec.ts). */
  dataConverter: DataConverter;
  /** The process's metrics (Prometheus). */
  metrics: ServiceMetrics;
  /** Push channel secrets that a webhook can check without the database (services/push-tokens.ts). */
  pushTokens: PushTokens;
}

export function createServiceDependencies(
  config: Config,
  overrides: {
    db?: Db;
    systemDb?: Db;
    logger?: Logger;
    keyring?: Keyring;
    providers?: ProviderRegistry;
    component?: string;
    metrics?: ServiceMetrics;
    /** Other limits than the configured ones (tests scale the providers' limits down). */
    budgetLimits?: BudgetLimits;
  } = {},
): ServiceDependencies {
  const logger = overrides.logger ?? createLogger({ level: config.LOG_LEVEL, name: overrides.component });
  const pool = { poolSize: config.DATABASE_POOL_SIZE };
  const db = overrides.db ?? createDb(config.DATABASE_URL, pool);
  const systemDb = overrides.systemDb ?? (config.SYSTEM_DATABASE_URL && !overrides.db ? createDb(config.SYSTEM_DATABASE_URL, pool) : db);
  const keyring = overrides.keyring ?? loadStartupKeyring({ dataDir: config.DATA_DIR, env: config }).keyring;
  const vault = new Vault(db, keyring);
  const providers = overrides.providers ?? providerRegistry(config);
  const oauthClients = new OAuthClientResolver({ db, vault, providers });
  // The budget's counters belong to no organization: kept with the system client.
  const budget = new ProviderBudget(systemDb, overrides.budgetLimits ?? budgetLimitsFrom(config), logger.child({ component: 'budget' }));
  const metrics = overrides.metrics ?? new ServiceMetrics();
  const tokens = new TokenService({ db, vault, providers, oauthClients, budget, metrics, logger: logger.child({ component: 'tokens' }) });
  const pushTokens = new PushTokens(keyring);
  const dataConverter = temporalDataConverter(keyring);
  return { config, logger, db, systemDb, vault, providers, oauthClients, tokens, budget, dataConverter, metrics, pushTokens };
}
