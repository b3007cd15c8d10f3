// The Microsoft admin-consent round trip (identity platform v2 `adminconsent`). Saving the tenant returns a
// consent URL carrying a fresh single-use state kept server-side under its hash (ce_oauth_states, like a
// user's OAuth state), bound to the admin who asked and their organization. Microsoft sends the admin back
// to the callback with `admin_consent=True`, `tenant` and the state; the callback spends the state and
// records the consent only after a client-credentials token of that tenant proves it (a redirect alone can
// be forged).
import { findOrganizationConnection } from '../../data/organization-connections';
import { Failure, notFound } from '../../domain/failures';
import type { ServiceDependencies } from '../dependencies';
import { OAuthFlowError } from '../oauth/oauth-flow-error';
import { hashSecret, newSecret } from '../secret-hash';
import type { OrganizationConnectionRow } from '../../data/organization-connections';
import { recordAdminConsent, type OrganizationConnectionView, type OrganizationDeps } from './organization-connections';

/** ce_oauth_states.provider of an admin-consent state (a user's OAuth states name their provider). */
export const ADMIN_CONSENT_STATE = 'microsoft-admin-consent';
const STATE_TTL_MS = 30 * 60_000;

export function adminConsentRedirectUri(publicUrl: string): string {
  return `${publicUrl.replace(/\/$/, '')}/v1/organization-connections/microsoft/consent-callback`;
}

export async function startAdminConsent(
  { systemDb, providers, config }: Pick<ServiceDependencies, 'systemDb' | 'providers' | 'config'>,
  input: { row: OrganizationConnectionRow; userId: string },
): Promise<{ url: string; expiresAt: Date }> {
  const runtime = providers.get('microsoft');
  const state = newSecret();
  const redirectUri = adminConsentRedirectUri(config.publicUrl);
  const expiresAt = new Date(Date.now() + STATE_TTL_MS);
  await systemDb.oAuthState.create({
    data: {
      stateHash: hashSecret(state),
      organizationId: input.row.organizationId,
      userId: input.userId,
      provider: ADMIN_CONSENT_STATE,
      codeVerifier: '',
      redirectUri,
      expiresAt,
    },
  });
  const clientId = input.row.appClientId ?? runtime.defaultClient.clientId;
  const url = runtime.adminConsentUrl!({ tenantId: input.row.microsoftTenantId!, clientId, redirectUri, state });
  return { url, expiresAt };
}

/** The callback: spends the state, checks the tenant is the one saved, and records the consent once proven. */
export async function completeAdminConsent(
  deps: OrganizationDeps & Pick<ServiceDependencies, 'systemDb'>,
  input: { state: string; tenant: string | undefined; granted: boolean },
): Promise<OrganizationConnectionView> {
  const { systemDb } = deps;
  const stateHash = hashSecret(input.state);
  const { count } = await systemDb.oAuthState.updateMany({
    where: { stateHash, provider: ADMIN_CONSENT_STATE, consumedAt: null },
    data: { consumedAt: new Date() },
  });
  const pending = await systemDb.oAuthState.findUnique({ where: { stateHash } });
  if (count !== 1 || !pending) throw new OAuthFlowError('invalid_state', 'Unknown or already used consent state');
  if (pending.expiresAt.getTime() < Date.now()) {
    throw new OAuthFlowError('expired_state', 'The consent request expired; save the tenant again');
  }
  const row = await findOrganizationConnection(systemDb, pending.organizationId, 'microsoft');
  if (!row || row.status === 'removed') throw notFound('Organization connection');
  if (!input.granted) throw new Failure('organization_consent_required', 'the admin did not grant consent');
  if (!input.tenant || input.tenant.toLowerCase() !== row.microsoftTenantId) {
    throw new Failure('organization_consent_required', 'consent came back for another tenant');
  }
  return recordAdminConsent({ ...deps, db: systemDb, vault: deps.vault.using(systemDb) }, row);
}
