// Push channels (Google watch channels / Graph subscriptions) for each synced calendar, and none for a
// calendar the owner deselected. Renewal makes a new channel before the old one expires and then stops the
// old one, so no change falls into a gap; the periodic sync stays the safety net. The channel secret is
// sent to the provider and only its hash stored.
import { loadActiveConnection } from '../../data/connections';
import {
  activeChannels,
  activeChannelsOfCalendar,
  activeChannelsOutside,
  markChannelStopped,
  saveChannel,
  type PushChannelRow,
} from '../../data/push-channels';
import { syncedCalendarIds } from '../../data/calendars';
import { isProviderError } from '../../providers/errors';
import type { PushChannel } from '../../providers/types';
import type { ServiceDependencies } from '../dependencies';
import { hashSecret } from '../secret-hash';
import { ensureCalendars } from './calendars';

/** Renew channels with less than this left. */
const RENEW_BEFORE_MS = 2 * 60 * 60_000;

type Deps = Pick<ServiceDependencies, 'db' | 'providers' | 'tokens' | 'logger'>;
type EnsureDeps = Deps & Pick<ServiceDependencies, 'config' | 'pushTokens'>;
type Connection = { id: string; provider: string };

export function webhookUrl(publicUrl: string, provider: string): string {
  return `${publicUrl.replace(/\/$/, '')}/v1/webhooks/${provider}`;
}

async function stopChannel({ db, providers, tokens }: Deps, connection: Connection, row: PushChannelRow): Promise<void> {
  const adapter = providers.get(connection.provider).adapter;
  const channel: PushChannel = {
    channelId: row.providerChannelId,
    resourceId: row.resourceId ?? undefined,
    calendarId: row.externalCalendarId,
    expiresAt: row.expiresAt,
  };
  try {
    await tokens.withAccessToken(connection.id, (auth) => adapter.stopPushChannel(auth, channel));
  } catch (error) {
    // Expired or already removed at the provider: it is stopped either way.
    if (!isProviderError(error, 'not_found')) throw error;
  }
  await markChannelStopped(db, row.id);
}

/**
 * Stops the active channels of calendars no longer selected for sync (the owner deselected them, or they
 * vanished at the provider). Called by every renewal and right after a selection change. A channel that
 * cannot be stopped now stays active and is retried by the next call.
 */
export async function stopDeselectedPushChannels(deps: Deps, connection: Connection): Promise<number> {
  const stale = await activeChannelsOutside(deps.db, connection.id, await syncedCalendarIds(deps.db, connection.id));
  let stopped = 0;
  for (const row of stale) {
    try {
      await stopChannel(deps, connection, row);
      stopped += 1;
    } catch (error) {
      deps.logger.warn(
        { connectionId: connection.id, channelId: row.providerChannelId, err: (error as Error).message },
        'could not stop push channel of a deselected calendar',
      );
    }
  }
  return stopped;
}

/** Every synced calendar has a channel with more than RENEW_BEFORE_MS left; returns the earliest expiry. */
export async function ensurePushChannels(deps: EnsureDeps, connectionId: string): Promise<{ expiresAt?: string }> {
  const { db, providers, tokens, logger, config } = deps;
  const connection = await loadActiveConnection(db, connectionId);
  const runtime = providers.get(connection.provider);
  if (runtime.descriptor.capabilities.push === 'none') return {};
  const calendars = (await ensureCalendars(deps, connection)).filter((calendar) => calendar.syncEnabled);
  await stopDeselectedPushChannels(deps, connection);
  const expiries: Date[] = [];
  for (const calendar of calendars) {
    const active = await activeChannelsOfCalendar(db, connectionId, calendar.externalCalendarId);
    const current = active[0];
    if (current && current.expiresAt.getTime() - Date.now() > RENEW_BEFORE_MS) {
      expiries.push(current.expiresAt);
      continue;
    }
    // Checkable by the webhook without the database (services/push-tokens.ts).
    const secret = deps.pushTokens.issue();
    const expiresAt = new Date(Date.now() + runtime.descriptor.capabilities.maxPushTtlMinutes * 60_000);
    const channel = await tokens.withAccessToken(connectionId, (auth) =>
      runtime.adapter.createPushChannel(auth, {
        calendarId: calendar.externalCalendarId,
        notificationUrl: webhookUrl(config.publicUrl, connection.provider),
        lifecycleUrl: webhookUrl(config.publicUrl, connection.provider),
        secret,
        expiresAt,
      }),
    );
    await saveChannel(db, {
      connectionId,
      externalCalendarId: calendar.externalCalendarId,
      providerChannelId: channel.channelId,
      resourceId: channel.resourceId ?? null,
      tokenHash: hashSecret(secret),
      expiresAt: channel.expiresAt,
    });
    expiries.push(channel.expiresAt);
    for (const old of active) {
      await stopChannel(deps, connection, old).catch((error: unknown) =>
        logger.warn(
          { connectionId, channelId: old.providerChannelId, err: (error as Error).message },
          'could not stop replaced push channel',
        ),
      );
    }
  }
  const earliest = expiries.sort((a, b) => a.getTime() - b.getTime())[0];
  return { expiresAt: earliest?.toISOString() };
}

/** Stops every active channel of the connection (it is being disconnected). */
export async function stopPushChannels(deps: Deps, connectionId: string): Promise<void> {
  const connection = await deps.db.calendarConnection.findUnique({ where: { id: connectionId } });
  if (!connection) return;
  for (const row of await activeChannels(deps.db, connectionId)) await stopChannel(deps, connection, row);
}
