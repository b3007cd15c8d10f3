// Push channels (Google watch channels / Graph subscriptions) for each synced calendar, and none for a
// calendar the owner deselected. Renewal makes a new channel before the old one expires and then stops the
// old one, so no change falls into a gap; the periodic sync stays the safety net.
// The channel secret is sent to the provider and only its hash stored.
import { hashSecret, newSecret } from '../../services/secret-hash';
import { isProviderError } from '../../providers/errors';
import type { PushChannel } from '../../providers/types';
import type { ConnectionActivityDeps } from './dependencies';
import { ensureCalendars, loadActiveConnection } from './connection-rows';

/** Renew channels with less than this left. */
const RENEW_BEFORE_MS = 2 * 60 * 60_000;

export function webhookUrl(publicUrl: string, provider: string): string {
  return `${publicUrl.replace(/\/$/, '')}/v1/webhooks/${provider}`;
}

type PushDeps = Pick<ConnectionActivityDeps, 'db' | 'providers' | 'tokens' | 'logger'>;

async function stopChannel(
  { db, providers, tokens }: PushDeps,
  connectionId: string,
  provider: string,
  row: { id: string; providerChannelId: string; resourceId: string | null; externalCalendarId: string; expiresAt: Date },
) {
  const adapter = providers.get(provider).adapter;
  const channel: PushChannel = {
    channelId: row.providerChannelId,
    resourceId: row.resourceId ?? undefined,
    calendarId: row.externalCalendarId,
    expiresAt: row.expiresAt,
  };
  try {
    await tokens.withAccessToken(connectionId, (auth) => adapter.stopPushChannel(auth, channel));
  } catch (error) {
    // Expired or already removed at the provider: it is stopped either way.
    if (!isProviderError(error, 'not_found')) throw error;
  }
  await db.pushChannel.update({ where: { id: row.id }, data: { status: 'stopped', stoppedAt: new Date() } });
}

/**
 * Stops the active channels of calendars no longer selected for sync (the owner deselected them, or they
 * vanished at the provider). Called by every renewal and by the API right after a selection change.
 * A channel that cannot be stopped now stays active and is retried by the next call.
 */
export async function stopDeselectedPushChannels(deps: PushDeps, connection: { id: string; provider: string }): Promise<number> {
  const { db, logger } = deps;
  const selected = await db.connectionCalendar.findMany({
    where: { connectionId: connection.id, syncEnabled: true },
    select: { externalCalendarId: true },
  });
  const stale = await db.pushChannel.findMany({
    where: { connectionId: connection.id, status: 'active', externalCalendarId: { notIn: selected.map((row) => row.externalCalendarId) } },
  });
  let stopped = 0;
  for (const row of stale) {
    try {
      await stopChannel(deps, connection.id, connection.provider, row);
      stopped += 1;
    } catch (error) {
      logger.warn(
        { connectionId: connection.id, channelId: row.providerChannelId, err: (error as Error).message },
        'could not stop push channel of a deselected calendar',
      );
    }
  }
  return stopped;
}

export function createPushActivities(deps: ConnectionActivityDeps) {
  const { db, providers, tokens, logger, publicUrl } = deps;

  return {
    async ensurePushChannels(connectionId: string): Promise<{ expiresAt?: string }> {
      const connection = await loadActiveConnection(db, connectionId);
      const runtime = providers.get(connection.provider);
      if (runtime.descriptor.capabilities.push === 'none') return {};
      const calendars = (await ensureCalendars(deps, connection)).filter((calendar) => calendar.syncEnabled);
      await stopDeselectedPushChannels(deps, connection);
      const expiries: Date[] = [];
      for (const calendar of calendars) {
        const active = await db.pushChannel.findMany({
          where: { connectionId, externalCalendarId: calendar.externalCalendarId, status: 'active' },
          orderBy: { expiresAt: 'desc' },
        });
        const current = active[0];
        if (current && current.expiresAt.getTime() - Date.now() > RENEW_BEFORE_MS) {
          expiries.push(current.expiresAt);
          continue;
        }
        const secret = newSecret();
        const expiresAt = new Date(Date.now() + runtime.descriptor.capabilities.maxPushTtlMinutes * 60_000);
        const channel = await tokens.withAccessToken(connectionId, (auth) =>
          runtime.adapter.createPushChannel(auth, {
            calendarId: calendar.externalCalendarId,
            notificationUrl: webhookUrl(publicUrl, connection.provider),
            lifecycleUrl: webhookUrl(publicUrl, connection.provider),
            secret,
            expiresAt,
          }),
        );
        await db.pushChannel.create({
          data: {
            connectionId,
            externalCalendarId: calendar.externalCalendarId,
            providerChannelId: channel.channelId,
            resourceId: channel.resourceId ?? null,
            tokenHash: hashSecret(secret),
            expiresAt: channel.expiresAt,
          },
        });
        expiries.push(channel.expiresAt);
        for (const old of active) {
          await stopChannel(deps, connectionId, connection.provider, old).catch((error: unknown) =>
            logger.warn(
              { connectionId, channelId: old.providerChannelId, err: (error as Error).message },
              'could not stop replaced push channel',
            ),
          );
        }
      }
      const earliest = expiries.sort((a, b) => a.getTime() - b.getTime())[0];
      return { expiresAt: earliest?.toISOString() };
    },

    async stopPushChannels(connectionId: string): Promise<void> {
      const connection = await db.calendarConnection.findUnique({ where: { id: connectionId } });
      if (!connection) return;
      const active = await db.pushChannel.findMany({ where: { connectionId, status: 'active' } });
      for (const row of active) await stopChannel(deps, connectionId, connection.provider, row);
    },
  };
}
