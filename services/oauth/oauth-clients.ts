// Which OAuth client a connection's tokens belong to: the organization's own (bring-your-own) client it
// connected with, or the platform default (or sandbox) client of the provider. The secret of an org's
// client lives in the vault and is resolved only here, at the moment a token call needs it.
import type { Db } from '../../db/client';
import type { ProviderRegistry } from '../../providers/registry';
import type { OAuthClientCredentials } from '../../providers/types';
import type { Vault } from '../../vault/vault';

export interface ResolvedOAuthClient {
  /** Null: the platform default client. */
  oauthClientId: string | null;
  credentials: OAuthClientCredentials;
}

export class OAuthClientResolver {
  constructor(private readonly deps: { db: Db; vault: Vault; providers: ProviderRegistry }) {}

  /** The client a NEW connection of this organization uses: its active own client, else the default. */
  async forNewConnection(organizationId: string, provider: string): Promise<ResolvedOAuthClient> {
    const own = await this.deps.db.oAuthClient.findFirst({
      where: { organizationId, provider, active: true },
      orderBy: { createdAt: 'desc' },
    });
    return own ? this.resolve(own.id) : this.platformDefault(provider);
  }

  /** The client an existing connection connected with (kept even if the organization changed clients). */
  async forConnection(connection: { provider: string; oauthClientId: string | null }): Promise<ResolvedOAuthClient> {
    return connection.oauthClientId ? this.resolve(connection.oauthClientId) : this.platformDefault(connection.provider);
  }

  async resolve(oauthClientId: string): Promise<ResolvedOAuthClient> {
    const client = await this.deps.db.oAuthClient.findUniqueOrThrow({ where: { id: oauthClientId } });
    const clientSecret = await this.deps.vault.get(client.clientSecretCredentialId);
    return { oauthClientId: client.id, credentials: { clientId: client.clientId, clientSecret } };
  }

  platformDefault(provider: string): ResolvedOAuthClient {
    return { oauthClientId: null, credentials: this.deps.providers.get(provider).defaultClient };
  }
}
