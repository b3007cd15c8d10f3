// The connection's own state: settings and health, token refresh and revocation, legacy-token migration,
// and the final clean-up when it is disconnected.
import { DEFAULT_SETTINGS } from '../../domain/settings';
import { isProviderError } from '../../providers/errors';
import { migrateLegacyTokens } from '../../services/token-migration';
import type { ConnectionHealth } from '../../workflows/connection/messages';
import type { ConnectionContext } from './types';
import type { ConnectionActivityDeps } from './dependencies';
import { loadActiveConnection } from './connection-rows';

export function createLifecycleActivities(deps: ConnectionActivityDeps) {
  const { db, vault, providers, tokens, oauthClients, logger } = deps;

  return {
    async loadConnectionContext(connectionId: string): Promise<ConnectionContext> {
      const connection = await loadActiveConnection(db, connectionId);
      const [settings, channel, syncedEvents] = await Promise.all([
        db.moduleSettings.findUnique({ where: { organizationId: connection.organizationId } }),
        db.pushChannel.findFirst({ where: { connectionId, status: 'active' }, orderBy: { expiresAt: 'asc' } }),
        db.calendarEvent.count({ where: { connectionId, status: { not: 'cancelled' } } }),
      ]);
      return {
        settings: settings
          ? {
              defaultMeetingDurationMinutes: settings.defaultMeetingDurationMinutes,
              syncPollIntervalMinutes: settings.syncPollIntervalMinutes,
              preMeetingNotificationMinutes: settings.preMeetingNotificationMinutes,
            }
          : DEFAULT_SETTINGS,
        storedHealth: connection.status as ConnectionHealth,
        tokenExpiresAt: connection.tokenExpiresAt?.toISOString(),
        pushChannelExpiresAt: channel?.expiresAt.toISOString(),
        syncedEvents,
        migrationRequired: connection.migrationRequired,
      };
    },

    async recordConnectionHealth(input: { connectionId: string; health: ConnectionHealth; errorCode?: string }): Promise<void> {
      await db.calendarConnection.updateMany({
        where: { id: input.connectionId, status: { not: 'disconnected' } },
        data: {
          status: input.health,
          ...(input.errorCode ? { lastErrorCode: input.errorCode, lastErrorAt: new Date() } : {}),
          ...(input.health === 'active' ? { lastErrorCode: null, lastErrorAt: null } : {}),
        },
      });
    },

    async refreshConnectionToken(connectionId: string): Promise<{ tokenExpiresAt: string }> {
      const { expiresAt } = await tokens.refresh(connectionId);
      return { tokenExpiresAt: expiresAt.toISOString() };
    },

    async revokeConnectionTokens(connectionId: string): Promise<void> {
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
    },

    async markDisconnected(connectionId: string): Promise<void> {
      await db.$transaction(async (tx) => {
        const connection = await tx.calendarConnection.findUnique({ where: { id: connectionId } });
        if (!connection) return;
        const txVault = vault.using(tx);
        for (const credentialId of [connection.accessTokenCredentialId, connection.refreshTokenCredentialId]) {
          if (credentialId) await txVault.delete(credentialId);
        }
        await tx.pushChannel.updateMany({ where: { connectionId, status: 'active' }, data: { status: 'stopped', stoppedAt: new Date() } });
        await tx.calendarConnection.update({
          where: { id: connectionId },
          data: {
            status: 'disconnected',
            disconnectedAt: new Date(),
            accessTokenCredentialId: null,
            refreshTokenCredentialId: null,
            accessTokenEncrypted: null,
            refreshTokenEncrypted: null,
            migrationRequired: false,
            tokenExpiresAt: null,
          },
        });
      });
      logger.info({ connectionId }, 'connection disconnected; tokens deleted');
    },

    async migrateConnectionTokens(connectionId: string): Promise<{ migrated: boolean }> {
      const result = await migrateLegacyTokens({ db, vault }, connectionId);
      return { migrated: result === 'migrated' };
    },
  };
}
