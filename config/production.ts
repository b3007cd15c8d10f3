// What a production process (NODE_ENV=production) refuses to start without. Outside production the API
// verifies tokens with a development key and the vault uses a development keyring, both made under
// DATA_DIR on first use; in production neither is ever created, and a process that lacks the real ones
// stops at once, naming every missing variable, instead of serving with something an attacker could know.
import path from 'node:path';
import type { Config } from './index';

/** The development keyring's file name (vault/development-keyring.ts) and its key ids' prefix. */
const DEVELOPMENT_KEYRING_FILE = 'vault-keyring.dev.json';
const DEVELOPMENT_KEY_PREFIX = 'dev-';

export const isProduction = (config: Pick<Config, 'NODE_ENV'>): boolean => config.NODE_ENV === 'production';

/** Every reason this configuration may not run in production (empty: fine, or not production). */
export function productionProblems(config: Config): string[] {
  if (!isProduction(config)) return [];
  const problems: string[] = [];
  if (!config.JWT_PUBLIC_KEY) problems.push('JWT_PUBLIC_KEY is required (the CRM’s token verification key)');
  if (!config.JWT_ISSUER) problems.push('JWT_ISSUER is required (tokens of another issuer must be refused)');
  if (!config.JWT_AUDIENCE) problems.push('JWT_AUDIENCE is required (tokens meant for another service must be refused)');
  if (!config.VAULT_KEYS && !config.VAULT_KEYRING_FILE) {
    problems.push('VAULT_KEYS (with VAULT_CURRENT_KEY_ID) or VAULT_KEYRING_FILE is required (npm run vault:new-key)');
  }
  if (config.VAULT_KEYRING_FILE && path.basename(config.VAULT_KEYRING_FILE) === DEVELOPMENT_KEYRING_FILE) {
    problems.push('VAULT_KEYRING_FILE names the development keyring; make a production one (npm run vault:new-key)');
  }
  if (config.VAULT_CURRENT_KEY_ID?.startsWith(DEVELOPMENT_KEY_PREFIX)) {
    problems.push('VAULT_CURRENT_KEY_ID is a development key id; make a production key (npm run vault:new-key)');
  }
  if (/^postgres(ql)?:\/\//i.test(config.DATABASE_URL ?? '') && !config.SYSTEM_DATABASE_URL) {
    problems.push('SYSTEM_DATABASE_URL is required with PostgreSQL (the system role; DATABASE_URL is the application role)');
  }
  if (!config.PUBLIC_URL?.startsWith('https://')) {
    problems.push('PUBLIC_URL must be the https URL providers and browsers reach (OAuth redirects and webhooks need https)');
  }
  return problems;
}

/** Throws one error naming every problem: API and worker call it first thing. */
export function assertProductionReady(config: Config): void {
  const problems = productionProblems(config);
  if (problems.length > 0) throw new Error(`refusing to start with NODE_ENV=production: ${problems.join('; ')}`);
}
