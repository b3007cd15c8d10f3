// A provider's push notification, as it arrives at the webhook: interpreted by the provider's adapter (no
// I/O), each notification checked against its channel's stored secret hash, and the genuine ones reduced
// to the connections that should sync. Unknown or forged notifications are dropped with a log line.
import { channelForNotification } from '../data/push-channels';
import type { PushMessage, WebhookRequest } from '../providers/types';
import type { ServiceDependencies } from './dependencies';
import { lifecycleNotice, type LifecycleNotice } from './push-lifecycle';
import { matchesHash } from './secret-hash';

export type PushIntake =
  /** Graph's subscription handshake: answer 200 text/plain with this token. */
  | { kind: 'validation'; responseText: string }
  /** Google's first `sync` message on a new channel: nothing to do. */
  | { kind: 'handshake' }
  /**
   * Notifications, checked: the connections whose calendars changed (possibly none), and Graph lifecycle
   * notifications for their workflows to act on (services/push-lifecycle.ts).
   */
  | { kind: 'notifications'; connectionIds: string[]; lifecycle?: LifecycleNotice[] };

export async function receivePushNotification(
  { db, providers, logger }: Pick<ServiceDependencies, 'db' | 'providers' | 'logger'>,
  provider: 'google' | 'microsoft',
  request: WebhookRequest,
): Promise<PushIntake> {
  const log = logger.child({ component: 'webhooks' });
  let message: PushMessage;
  try {
    message = providers.get(provider).adapter.parsePushMessage(request);
  } catch {
    message = { kind: 'invalid', reason: 'unreadable request' };
  }
  switch (message.kind) {
    case 'validation':
      return { kind: 'validation', responseText: message.responseText };
    case 'sync-handshake':
      return { kind: 'handshake' };
    case 'invalid':
      log.info({ provider, reason: message.reason }, 'webhook dropped: not a notification');
      return { kind: 'notifications', connectionIds: [] };
    default:
      break;
  }
  // Each notification is checked on its own (a Graph batch may mix subscriptions).
  const items = message.kind === 'batch' ? message.items : [message];
  const connectionIds = new Set<string>();
  const lifecycle: LifecycleNotice[] = [];
  for (const item of items) {
    const channel = await channelForNotification(db, item.channelId);
    const genuine =
      channel !== null &&
      channel.status === 'active' &&
      channel.connection.provider === provider &&
      channel.connection.status !== 'disconnected' &&
      matchesHash(item.secret, channel.tokenHash);
    if (!genuine) {
      log.warn({ provider, kind: item.kind, knownChannel: channel !== null }, 'webhook dropped: unknown channel or wrong secret');
      continue;
    }
    if (item.kind === 'lifecycle') lifecycle.push(lifecycleNotice(channel.connectionId, item));
    else connectionIds.add(channel.connectionId);
  }
  return { kind: 'notifications', connectionIds: [...connectionIds], ...(lifecycle.length ? { lifecycle } : {}) };
}
