// An organization connection's grant as the provider adapters take it: the secrets read from the vault at
// the moment a token is minted, never kept or logged.
import type { OrganizationConnectionRow } from '../../data/organization-connections';
import { GOOGLE_DELEGATION_SCOPES, type OrganizationConnectionMode } from '../../domain/organization-connections';
import type { OrganizationGrant, ServiceAccountKey } from '../../providers/types';
import type { ServiceDependencies } from '../dependencies';

export async function organizationGrant(
  { vault, providers }: Pick<ServiceDependencies, 'vault' | 'providers'>,
  org: OrganizationConnectionRow,
): Promise<OrganizationGrant> {
  const mode = org.mode as OrganizationConnectionMode;
  if (org.provider === 'google') {
    if (!org.serviceAccountKeyCredentialId || !org.googleDomain) throw new Error('google organization connection without its key');
    const key = JSON.parse(await vault.get(org.serviceAccountKeyCredentialId)) as ServiceAccountKey;
    return {
      provider: 'google',
      key,
      scopes: GOOGLE_DELEGATION_SCOPES[mode],
      domain: org.googleDomain,
      ...(org.googleAdminEmail ? { adminEmail: org.googleAdminEmail } : {}),
    };
  }
  if (!org.microsoftTenantId) throw new Error('microsoft organization connection without its tenant');
  const client =
    org.appClientId && org.appClientSecretCredentialId
      ? { clientId: org.appClientId, clientSecret: await vault.get(org.appClientSecretCredentialId) }
      : providers.get('microsoft').defaultClient;
  return { provider: 'microsoft', tenantId: org.microsoftTenantId, client };
}

/** Graph's `/users/{id}` of an organization-managed Microsoft connection (its account id is `<tenant>/<object id>`). */
export function mailboxOf(connection: { provider: string; organizationConnectionId: string | null; externalAccountId: string | null }) {
  if (connection.provider !== 'microsoft' || !connection.organizationConnectionId || !connection.externalAccountId) return undefined;
  return connection.externalAccountId.split('/')[1];
}
