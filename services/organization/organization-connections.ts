// Organization connections, managed by org admins (ce.calendar.admin): register a Google service account
// with domain-wide delegation or a Microsoft 365 tenant (admin consent), list them (never a secret), and
// remove one (every connection enrolled under it is disconnected). Secrets are sealed in the vault exactly
// like OAuth tokens (kinds service_account_key, oauth_client_secret) and read only to mint a token.
import type { ConnectionWorkflowClient } from '../../clients/connection-workflow';
import { ensureOrganization, recordConnectionHealth } from '../../data/connections';
import {
  enrolledConnections,
  findOrganizationConnection,
  isAdminActionCode,
  type OrganizationConnectionRow,
} from '../../data/organization-connections';
import type { Db } from '../../db/client';
import { Failure, notFound } from '../../domain/failures';
import {
  GOOGLE_DELEGATION_SCOPES,
  GOOGLE_DIRECTORY_SCOPE,
  MICROSOFT_APPLICATION_PERMISSIONS,
  type OrganizationConnectionMode,
  type OrganizationConnectionStatus,
} from '../../domain/organization-connections';
import type { ServiceAccountKey } from '../../providers/types';
import { disconnectSignal } from '../../workflows/connection/messages';
import { mapWithConcurrency } from '../bounded-concurrency';
import type { ServiceDependencies } from '../dependencies';
import { organizationGrant } from './grant';

export type OrganizationDeps = Pick<ServiceDependencies, 'db' | 'vault' | 'logger' | 'providers'> & { workflows: ConnectionWorkflowClient };

export interface OrganizationConnectionView {
  id: string;
  provider: 'google' | 'microsoft';
  mode: OrganizationConnectionMode;
  status: OrganizationConnectionStatus;
  /** Why it needs an admin (delegation_revoked, admin_consent_withdrawn), null when it works. */
  statusReason: string | null;
  /** What the admin grants the app (Google: delegation scopes; Microsoft: application permissions). */
  requiredAccess: string[];
  google: { domain: string; serviceAccountEmail: string | null; adminEmail: string | null } | null;
  microsoft: { tenantId: string; ownApp: boolean; clientId: string | null; consentedAt: string | null } | null;
  connections: Record<string, number>;
  createdAt: string;
  updatedAt: string;
}

export function requiredAccess(provider: string, mode: OrganizationConnectionMode): string[] {
  return provider === 'google' ? [...GOOGLE_DELEGATION_SCOPES[mode], GOOGLE_DIRECTORY_SCOPE] : [...MICROSOFT_APPLICATION_PERMISSIONS[mode]];
}

async function viewOf(db: Db, row: OrganizationConnectionRow): Promise<OrganizationConnectionView> {
  const groups = await db.calendarConnection.groupBy({
    by: ['status'],
    where: { organizationConnectionId: row.id, status: { not: 'disconnected' } },
    _count: { _all: true },
  });
  const mode = row.mode as OrganizationConnectionMode;
  return {
    id: row.id,
    provider: row.provider as 'google' | 'microsoft',
    mode,
    status: row.status as OrganizationConnectionStatus,
    statusReason: row.statusReason,
    requiredAccess: requiredAccess(row.provider, mode),
    google:
      row.provider === 'google'
        ? { domain: row.googleDomain ?? '', serviceAccountEmail: row.serviceAccountEmail, adminEmail: row.googleAdminEmail }
        : null,
    microsoft:
      row.provider === 'microsoft'
        ? {
            tenantId: row.microsoftTenantId ?? '',
            ownApp: row.appClientId !== null,
            clientId: row.appClientId,
            consentedAt: row.consentedAt?.toISOString() ?? null,
          }
        : null,
    connections: Object.fromEntries(groups.map((group) => [group.status, group._count._all])),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listOrganizationConnections({ db }: Pick<ServiceDependencies, 'db'>, organizationId: string) {
  const rows = await db.organizationConnection.findMany({
    where: { organizationId, status: { not: 'removed' } },
    orderBy: { provider: 'asc' },
  });
  return Promise.all(rows.map((row) => viewOf(db, row)));
}

export async function organizationConnectionView({ db }: Pick<ServiceDependencies, 'db'>, row: OrganizationConnectionRow) {
  return viewOf(db, row);
}

/**
 * The grant works (again): connections stopped by the admin action resume, each told by its workflow's
 * reconnect signal (their next token is minted with the new grant). A mode change forces new tokens too.
 */
async function resumeEnrolled(deps: OrganizationDeps, row: OrganizationConnectionRow, modeChanged: boolean): Promise<void> {
  const { db, workflows } = deps;
  if (modeChanged) await db.calendarConnection.updateMany({ where: { organizationConnectionId: row.id }, data: { tokenExpiresAt: null } });
  const enrolled = await enrolledConnections(db, row.id);
  const stopped = enrolled.filter((c) => c.status === 'needs_reconnect' && isAdminActionCode(c.lastErrorCode));
  await mapWithConcurrency(stopped, 8, async (connection) => {
    await db.calendarConnection.update({ where: { id: connection.id }, data: { tokenExpiresAt: null } });
    await recordConnectionHealth(db, { connectionId: connection.id, health: 'active' });
    await workflows.connected(connection, true);
  });
}

/** Seals `secret` in the vault, replacing `previousId`'s secret (deleted) in the same transaction. */
async function sealReplacing(
  deps: Pick<ServiceDependencies, 'vault'>,
  tx: Parameters<ServiceDependencies['vault']['using']>[0],
  input: { kind: 'service_account_key' | 'oauth_client_secret'; organizationId: string; secret: string; previousId: string | null },
): Promise<string> {
  const vault = deps.vault.using(tx);
  const id = await vault.put({ kind: input.kind, organizationId: input.organizationId, secret: input.secret });
  if (input.previousId) await vault.delete(input.previousId);
  return id;
}

export async function configureGoogle(
  deps: OrganizationDeps,
  input: {
    organizationId: string;
    createdBy: string;
    serviceAccountKey: ServiceAccountKey;
    domain: string;
    mode: OrganizationConnectionMode;
    adminEmail?: string;
  },
): Promise<OrganizationConnectionView> {
  const { db, logger, providers } = deps;
  const { organizationId } = input;
  const tokenUri = input.serviceAccountKey.token_uri;
  if (tokenUri && !(providers.get('google').organization.acceptsTokenUri?.(tokenUri) ?? false)) {
    throw new Failure('invalid_request', 'token_uri is not the token endpoint of the Google the service uses', {
      fields: [{ field: 'serviceAccountKey.token_uri', message: "must be Google's token endpoint (or be left out)" }],
    });
  }
  await ensureOrganization(db, organizationId);
  const before = await findOrganizationConnection(db, organizationId, 'google');
  const key = JSON.stringify(input.serviceAccountKey);
  const row = await db.$transaction(async (tx) => {
    const existing = await findOrganizationConnection(tx, organizationId, 'google');
    const serviceAccountKeyCredentialId = await sealReplacing(deps, tx, {
      kind: 'service_account_key',
      organizationId,
      secret: key,
      previousId: existing?.serviceAccountKeyCredentialId ?? null,
    });
    const data = {
      mode: input.mode,
      googleDomain: input.domain.toLowerCase(),
      googleAdminEmail: input.adminEmail?.toLowerCase() ?? null,
      serviceAccountEmail: input.serviceAccountKey.client_email,
      serviceAccountKeyCredentialId,
      status: 'active',
      statusReason: null,
      statusChangedAt: new Date(),
    };
    return existing
      ? tx.organizationConnection.update({ where: { id: existing.id }, data })
      : tx.organizationConnection.create({ data: { ...data, organizationId, provider: 'google', createdBy: input.createdBy } });
  });
  logger.info({ organizationId, organizationConnectionId: row.id, mode: row.mode }, 'google organization connection saved');
  await resumeEnrolled(deps, row, before !== null && before.mode !== row.mode);
  return viewOf(db, row);
}

/** Saves the tenant (and the organization's own app, if given); consent is pending until the admin grants it. */
export async function configureMicrosoft(
  deps: OrganizationDeps,
  input: {
    organizationId: string;
    createdBy: string;
    tenantId: string;
    mode: OrganizationConnectionMode;
    clientId?: string;
    clientSecret?: string;
  },
): Promise<OrganizationConnectionRow> {
  const { db, logger } = deps;
  const { organizationId } = input;
  await ensureOrganization(db, organizationId);
  const row = await db.$transaction(async (tx) => {
    const existing = await findOrganizationConnection(tx, organizationId, 'microsoft');
    const appClientSecretCredentialId = input.clientSecret
      ? await sealReplacing(deps, tx, {
          kind: 'oauth_client_secret',
          organizationId,
          secret: input.clientSecret,
          previousId: existing?.appClientSecretCredentialId ?? null,
        })
      : null;
    const dropped = !input.clientSecret ? existing?.appClientSecretCredentialId : null;
    if (dropped) await deps.vault.using(tx).delete(dropped);
    const sameGrant =
      existing?.status === 'active' && existing.microsoftTenantId === input.tenantId && existing.appClientId === (input.clientId ?? null);
    const data = {
      mode: input.mode,
      microsoftTenantId: input.tenantId,
      appClientId: input.clientId ?? null,
      appClientSecretCredentialId,
      // Another tenant or app needs its own consent; the same one keeps the consent it has.
      ...(sameGrant ? {} : { status: 'pending_consent', statusReason: null, consentedAt: null, statusChangedAt: new Date() }),
    };
    return existing
      ? tx.organizationConnection.update({ where: { id: existing.id }, data })
      : tx.organizationConnection.create({ data: { ...data, organizationId, provider: 'microsoft', createdBy: input.createdBy } });
  });
  const saved = { organizationId, organizationConnectionId: row.id, mode: row.mode, status: row.status };
  logger.info(saved, 'microsoft organization connection saved');
  return row;
}

/**
 * The admin consent came back granted for this tenant: proven by a client-credentials token of the tenant
 * (a redirect alone can be forged), then recorded, and stopped connections resume.
 */
export async function recordAdminConsent(deps: OrganizationDeps, row: OrganizationConnectionRow): Promise<OrganizationConnectionView> {
  const { db, providers, logger } = deps;
  const grant = await organizationGrant(deps, row);
  await providers
    .get('microsoft')
    .organization.userToken(grant, { id: 'consent-check', email: 'consent-check' })
    .catch((error: unknown) => {
      throw new Failure('delegation_refused', `admin consent could not be confirmed: ${error instanceof Failure ? error.code : 'error'}`);
    });
  const updated = await db.organizationConnection.update({
    where: { id: row.id },
    data: { status: 'active', statusReason: null, consentedAt: new Date(), statusChangedAt: new Date() },
  });
  logger.info({ organizationId: row.organizationId, organizationConnectionId: row.id }, 'microsoft admin consent recorded');
  await resumeEnrolled(deps, updated, false);
  return viewOf(db, updated);
}

/**
 * Removes the organization connection: every enrolled connection is disconnected by its workflow (push
 * channels stopped with a token minted from the grant, tokens deleted); the row and its secrets go when the
 * last one is gone (removeIfDrained), at once when there is none.
 */
export async function removeOrganizationConnection(
  deps: OrganizationDeps,
  input: { organizationId: string; provider: 'google' | 'microsoft' },
): Promise<{ disconnecting: number }> {
  const { db, workflows, logger } = deps;
  const row = await findOrganizationConnection(db, input.organizationId, input.provider);
  if (!row || row.status === 'removed') throw notFound('Organization connection');
  await db.organizationConnection.update({ where: { id: row.id }, data: { status: 'removed', statusChangedAt: new Date() } });
  const connections = await enrolledConnections(db, row.id);
  await mapWithConcurrency(connections, 8, (connection) => workflows.signal(connection, disconnectSignal));
  logger.info({ organizationConnectionId: row.id, disconnecting: connections.length }, 'organization connection removed');
  await removeIfDrained(deps, row.id);
  return { disconnecting: connections.length };
}

/** A removed organization connection's row and secrets are deleted once no connection uses them. */
export async function removeIfDrained(
  { db, vault }: Pick<ServiceDependencies, 'db' | 'vault'>,
  organizationConnectionId: string,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.organizationConnection.findUnique({ where: { id: organizationConnectionId } });
    if (!row || row.status !== 'removed') return;
    const live = await tx.calendarConnection.count({ where: { organizationConnectionId, status: { not: 'disconnected' } } });
    if (live > 0) return;
    for (const credentialId of [row.serviceAccountKeyCredentialId, row.appClientSecretCredentialId]) {
      if (credentialId) await vault.using(tx).delete(credentialId);
    }
    // Disconnected connections keep no link to it (their synced data is cleaned up on its own schedule).
    await tx.calendarConnection.updateMany({ where: { organizationConnectionId }, data: { organizationConnectionId: null } });
    await tx.organizationConnection.delete({ where: { id: organizationConnectionId } });
  });
}
