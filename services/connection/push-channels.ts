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
  renewChannelExpiry,
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

/** What the workflow learns from a push set-up: the earliest expiry, or why push cannot work here. */
export interface PushSetup {
  expiresAt?: string;
  /** Push is unavailable (polling carries on): a code and a sentence for the connection's status. */
  unavailable?: { code: string; message: string };
}

/**
 * Google and Microsoft deliver notifications only to https URLs with a valid certificate. With real
 * credentials and an http PUBLIC_URL no channel can be made: say so instead of failing every renewal. (The
 * sandbox providers accept loopback http, so `npm start` keeps push.)
 */
export function pushUnavailableReason(
  config: Pick<ServiceDependencies['config'], 'publicUrl'>,
  runtime: { mode: 'production' | 'sandbox'; descriptor: { displayName: string } },
): PushSetup['unavailable'] {
  if (runtime.mode !== 'production' || new URL(config.publicUrl).protocol === 'https:') return undefined;
  const name = runtime.descriptor.displayName;
  return {
    code: 'https_required',
    message: `${name} sends push notifications only to https URLs and PUBLIC_URL is http; changes arrive by polling`,
  };
}

/** Every synced calendar has a channel with more than RENEW_BEFORE_MS left; returns the earliest expiry. */
export async function ensurePushChannels(deps: EnsureDeps, connectionId: string): Promise<PushSetup> {
  const { db, providers, tokens, logger, config } = deps;
  const connection = await loadActiveConnection(db, connectionId);
  const runtime = providers.get(connection.provider);
  if (runtime.descriptor.capabilities.push === 'none') return {};
  const unavailable = pushUnavailableReason(config, runtime);
  if (unavailable) return { unavailable };
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
    let channel: PushChannel;
    try {
      channel = await tokens.withAccessToken(connectionId, (auth) =>
        runtime.adapter.createPushChannel(auth, {
          calendarId: calendar.externalCalendarId,
          notificationUrl: webhookUrl(config.publicUrl, connection.provider),
          lifecycleUrl: webhookUrl(config.publicUrl, connection.provider),
          secret,
          expiresAt,
        }),
      );
    } catch (error) {
      // The provider refused our notification URL (not https, not reachable, validation handshake failed).
      if (!isProviderError(error, 'invalid_request')) throw error;
      const why = error.details.code ?? error.details.status ?? 'invalid';
      const message = `${runtime.descriptor.displayName} refused the notification URL (${why}); changes arrive by polling`;
      return { unavailable: { code: 'notification_url_refused', message } };
    }
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

/**
 * Graph lifecycle notifications (learn.microsoft.com/graph/webhooks-lifecycle), acted on at once:
 * `reauthorizationRequired` renews the subscription now (a renewal reauthorizes it; one Graph no longer has
 * is created anew), `subscriptionRemoved` marks it stopped and creates a new one. (`missed` needs no channel
 * work: the workflow syncs.) Returns the channels' earliest expiry as ensurePushChannels does.
 */
export async function repairPushChannel(
  deps: EnsureDeps,
  input: { connectionId: string; channelId: string; event: 'reauthorizationRequired' | 'subscriptionRemoved' },
): Promise<PushSetup> {
  const { db, providers, tokens, config } = deps;
  const connection = await loadActiveConnection(db, input.connectionId);
  const row = (await activeChannels(db, connection.id)).find((channel) => channel.providerChannelId === input.channelId);
  if (row && input.event === 'subscriptionRemoved') await markChannelStopped(db, row.id);
  if (row && input.event === 'reauthorizationRequired') {
    const runtime = providers.get(connection.provider);
    const secret = deps.pushTokens.issue();
    const current: PushChannel = {
      channelId: row.providerChannelId,
      resourceId: row.resourceId ?? undefined,
      calendarId: row.externalCalendarId,
      expiresAt: row.expiresAt,
    };
    const renewed = await tokens.withAccessToken(connection.id, (auth) =>
      runtime.adapter.renewPushChannel(auth, {
        channel: current,
        notificationUrl: webhookUrl(config.publicUrl, connection.provider),
        lifecycleUrl: webhookUrl(config.publicUrl, connection.provider),
        secret,
        expiresAt: new Date(Date.now() + runtime.descriptor.capabilities.maxPushTtlMinutes * 60_000),
      }),
    );
    if (renewed.channelId === row.providerChannelId) {
      // Renewed in place: same subscription, same secret.
      await renewChannelExpiry(db, row.id, renewed.expiresAt);
    } else {
      await markChannelStopped(db, row.id);
      await saveChannel(db, {
        connectionId: connection.id,
        externalCalendarId: row.externalCalendarId,
        providerChannelId: renewed.channelId,
        resourceId: renewed.resourceId ?? null,
        tokenHash: hashSecret(secret),
        expiresAt: renewed.expiresAt,
      });
    }
  }
  return ensurePushChannels(deps, connection.id);
}
