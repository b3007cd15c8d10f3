// The connection's own state as the workflow needs it: its context (settings, stored health, token and
// channel expiry), token refresh and revocation, legacy-token migration, and the end when it disconnects.
import { loadActiveConnection, markDisconnected } from '../../data/connections';
import { countSyncedEvents } from '../../data/events';
import { earliestActiveChannel } from '../../data/push-channels';
import { readSettings } from '../../data/settings';
import type { ReconcileSchedule } from '../../domain/reconciliation';
import type { ModuleSettings } from '../../domain/settings';
import { isProviderError } from '../../providers/errors';
import type { ConnectionHealth } from '../../workflows/connection/messages';
import type { ServiceDependencies } from '../dependencies';
import { migrateLegacyTokens } from '../oauth/token-migration';
import { removeIfDrained } from '../organization/organization-connections';

export interface ConnectionContext {
  settings: ModuleSettings;
  /** When the daily reconciliation runs (RECONCILE_DAILY_AT, RECONCILE_SPREAD_MINUTES); absent in old histories. */
  reconcile?: ReconcileSchedule;
  /** Health as stored (e.g. needs_reconnect recorded by a failed refresh outside the workflow). */
  storedHealth: ConnectionHealth;
  tokenExpiresAt?: string;
  pushChannelExpiresAt?: string;
  syncedEvents: number;
  migrationRequired: boolean;
}

export function reconcileScheduleOf(config: Pick<ServiceDependencies['config'], 'RECONCILE_DAILY_AT' | 'RECONCILE_SPREAD_MINUTES'>) {
  const [hours, minutes] = config.RECONCILE_DAILY_AT.split(':').map(Number);
  return { dailyAtMinutes: hours! * 60 + minutes!, spreadMinutes: config.RECONCILE_SPREAD_MINUTES };
}

export async function loadConnectionContext(
  { db, config }: Pick<ServiceDependencies, 'db' | 'config'>,
  connectionId: string,
): Promise<ConnectionContext> {
  const connection = await loadActiveConnection(db, connectionId);
  const [settings, channel, syncedEvents] = await Promise.all([
    readSettings(db, connection.organizationId),
    earliestActiveChannel(db, connectionId),
    countSyncedEvents(db, connectionId),
  ]);
  const { updatedAt: _updatedAt, ...moduleSettings } = settings;
  return {
    settings: moduleSettings,
    reconcile: reconcileScheduleOf(config),
    storedHealth: connection.status as ConnectionHealth,
    tokenExpiresAt: connection.tokenExpiresAt?.toISOString(),
    pushChannelExpiresAt: channel?.expiresAt.toISOString(),
    syncedEvents,
    migrationRequired: connection.migrationRequired,
  };
}

export async function refreshConnectionToken({ tokens }: Pick<ServiceDependencies, 'tokens'>, connectionId: string) {
  const { expiresAt } = await tokens.refresh(connectionId);
  return { tokenExpiresAt: expiresAt.toISOString() };
}

/** Revokes the grant at the provider (best effort is the caller's choice); already revoked is fine. */
export async function revokeConnectionTokens(
  { db, vault, providers, oauthClients }: Pick<ServiceDependencies, 'db' | 'vault' | 'providers' | 'oauthClients'>,
  connectionId: string,
): Promise<void> {
  const connection = await db.calendarConnection.findUnique({ where: { id: connectionId } });
  if (!connection) return;
  const token = connection.refreshTokenCredentialId
    ? await vault.get(connection.refreshTokenCredentialId)
    : (connection.refreshTokenEncrypted ?? null);
  if (!token) return;
  const runtime = providers.get(connection.provider);
  const client = await oauthClients.forConnection(connection);
  try {
    await runtime.adapter.revoke(client.credentials, token);
  } catch (error) {
    // Already revoked or expired at the provider: nothing left to revoke.
    if (!isProviderError(error, 'access_revoked') && !isProviderError(error, 'invalid_request')) throw error;
  }
}

export async function disconnectConnection(
  { db, vault, logger }: Pick<ServiceDependencies, 'db' | 'vault' | 'logger'>,
  connectionId: string,
) {
  const { organizationConnectionId } = (await db.calendarConnection.findUnique({ where: { id: connectionId } })) ?? {};
  await markDisconnected(db, vault, connectionId);
  logger.info({ connectionId }, 'connection disconnected; tokens deleted');
  // The last connection of a removed organization connection takes its row and secrets with it.
  if (organizationConnectionId) await removeIfDrained({ db, vault }, organizationConnectionId);
}

export async function migrateConnectionTokens({ db, vault }: Pick<ServiceDependencies, 'db' | 'vault'>, connectionId: string) {
  const result = await migrateLegacyTokens({ db, vault }, connectionId);
  return { migrated: result === 'migrated' };
}
