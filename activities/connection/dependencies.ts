import type { Logger } from 'pino';
import type { Db } from '../../db/client';
import type { ProviderRegistry } from '../../providers/registry';
import type { OAuthClientResolver } from '../../services/oauth-clients';
import type { TokenService } from '../../services/token-service';
import type { Vault } from '../../vault/vault';

export interface ConnectionActivityDeps {
  db: Db;
  vault: Vault;
  providers: ProviderRegistry;
  tokens: TokenService;
  oauthClients: OAuthClientResolver;
  logger: Logger;
  /** Base URL providers POST push notifications to (PUBLIC_URL). */
  publicUrl: string;
}
