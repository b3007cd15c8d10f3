// An organization's own ("bring your own") Google OAuth client, managed by org admins. The client secret is
// write-only: sealed in the credential vault (kind oauth_client_secret) and never returned or logged. New
// Google connections of the organization use the active client (oauth-clients.ts) and record it; existing
// connections keep the client they connected with, also after it is replaced or deactivated.
import { ensureOrganization } from '../../data/connections';
import type { Db } from '../../db/client';
import { withTenantScope } from '../../db/tenant-scope';
import type { ServiceDependencies } from '../dependencies';

export interface OrganizationClientView {
  id: string;
  provider: 'google';
  clientId: string;
  active: boolean;
  createdAt: string;
  /** Connections (not disconnected) that use this client. */
  connections: number;
}

async function viewOf(db: Db, client: { id: string; clientId: string; active: boolean; createdAt: Date }): Promise<OrganizationClientView> {
  const connections = await db.calendarConnection.count({ where: { oauthClientId: client.id, status: { not: 'disconnected' } } });
  return {
    id: client.id,
    provider: 'google',
    clientId: client.clientId,
    active: client.active,
    createdAt: client.createdAt.toISOString(),
    connections,
  };
}

/** The organization's clients, newest first; counts read under row-level security (PostgreSQL). */
export function listOrganizationClients(
  { db }: Pick<ServiceDependencies, 'db'>,
  organizationId: string,
): Promise<OrganizationClientView[]> {
  return withTenantScope(db, organizationId, async (tx) => {
    const rows = await tx.oAuthClient.findMany({ where: { organizationId }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
    return Promise.all(rows.map((client) => viewOf(tx, client)));
  });
}

/** Registers the client and makes it the active one; replaced clients stay (inactive) with their secret. */
export async function registerOrganizationClient(
  { db, vault, logger }: Pick<ServiceDependencies, 'db' | 'vault' | 'logger'>,
  input: { organizationId: string; provider: 'google'; clientId: string; clientSecret: string; createdBy: string },
): Promise<OrganizationClientView> {
  const { organizationId, provider } = input;
  await ensureOrganization(db, organizationId);
  const client = await db.$transaction(async (tx) => {
    const clientSecretCredentialId = await vault.using(tx).put({ kind: 'oauth_client_secret', organizationId, secret: input.clientSecret });
    // The connections made with a replaced client still refresh with it.
    await tx.oAuthClient.updateMany({ where: { organizationId, provider, active: true }, data: { active: false } });
    return tx.oAuthClient.create({
      data: { organizationId, provider, clientId: input.clientId, clientSecretCredentialId, active: true, createdBy: input.createdBy },
    });
  });
  logger.info({ organizationId, provider, oauthClientId: client.id }, 'organization OAuth client registered');
  return viewOf(db, client);
}

/** New connections go back to the platform's client; existing ones keep theirs. Returns how many were active. */
export async function deactivateOrganizationClients(
  { db, logger }: Pick<ServiceDependencies, 'db' | 'logger'>,
  input: { organizationId: string; provider: 'google' },
): Promise<number> {
  const { count } = await db.oAuthClient.updateMany({ where: { ...input, active: true }, data: { active: false } });
  logger.info({ ...input, deactivated: count }, 'organization OAuth client deactivated');
  return count;
}
