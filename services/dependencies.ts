// The long-lived objects every process needs (database, vault, providers, token service), built once from
// configuration. The worker and the API build the same set; tests build it against the fakes.
import type { Logger } from 'pino';
import type { Config } from '../config';
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

export interface ServiceDependencies {
  config: Config;
  logger: Logger;
  db: Db;
  vault: Vault;
  providers: ProviderRegistry;
  oauthClients: OAuthClientResolver;
  tokens: TokenService;
  /** Every provider request of every process draws from it (services/provider-budget). */
  budget: ProviderBudget;
  /** For every Temporal client and worker: seals attendee lists in payloads (services/attendee-sealing-codec.ts). */
  dataConverter: DataConverter;
}

export function createServiceDependencies(
  config: Config,
  overrides: {
    db?: Db;
    logger?: Logger;
    keyring?: Keyring;
    providers?: ProviderRegistry;
    component?: string;
    /** Other limits than the configured ones (tests scale the providers' limits down). */
    budgetLimits?: BudgetLimits;
  } = {},
): ServiceDependencies {
  const logger = overrides.logger ?? createLogger({ level: config.LOG_LEVEL, name: overrides.component });
  const db = overrides.db ?? createDb(config.DATABASE_URL);
  const keyring = overrides.keyring ?? loadStartupKeyring({ dataDir: config.DATA_DIR, env: config }).keyring;
  const vault = new Vault(db, keyring);
  const providers = overrides.providers ?? providerRegistry(config);
  const oauthClients = new OAuthClientResolver({ db, vault, providers });
  const budget = new ProviderBudget(db, overrides.budgetLimits ?? budgetLimitsFrom(config), logger.child({ component: 'budget' }));
  const tokens = new TokenService({ db, vault, providers, oauthClients, budget, logger: logger.child({ component: 'tokens' }) });
  return { config, logger, db, vault, providers, oauthClients, tokens, budget, dataConverter: temporalDataConverter(keyring) };
}
