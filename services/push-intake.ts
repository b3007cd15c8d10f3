// A provider's push notification, as it arrives at the webhook, checked in this order so that a flood of
// forged or replayed notifications costs almost nothing:
//  1. the adapter interprets the request (no I/O); more than MAX_NOTIFICATIONS items is refused whole;
//  2. every item's secret is checked in memory (services/push-tokens.ts) BEFORE any database work; items
//     with a forged or missing secret are dropped there;
//  3. only then the database: the channel must exist for this provider, be active, belong to a live
//     connection, and its stored hash must match the secret; Google items must also name the channel's
//     resource and carry a message number above the last one accepted (a replay repeats an old number);
//     Graph items are bound by subscription and clientState (Graph numbers nothing; a replayed genuine
//     one at most asks for a sync, which the coalescing below and in the workflow absorbs);
//  4. what remains is reduced to the connections that should sync (once each), plus Graph lifecycle
//     events, which pass the same checks and go to their connections' workflows (services/push-lifecycle.ts).
import { acceptMessageNumber, channelForNotification } from '../data/push-channels';
import type { PushMessage, WebhookRequest } from '../providers/types';
import type { ServiceDependencies } from './dependencies';
import { lifecycleNotice, type LifecycleNotice } from './push-lifecycle';
import { matchesHash } from './secret-hash';

/** At most this many notifications in one request (Graph batches them); more is refused with 413. */
export const MAX_NOTIFICATIONS = 100;

type Item = Extract<PushMessage, { kind: 'change' | 'lifecycle' }>;

export type PushIntake =
  /** Graph's subscription handshake: answer 200 text/plain with this token. */
  | { kind: 'validation'; responseText: string }
  /** Google's first `sync` message on a new channel: nothing to do. */
  | { kind: 'handshake' }
  /** More notifications in one request than MAX_NOTIFICATIONS. */
  | { kind: 'too_many'; count: number }
  /**
   * Checked notifications: the connections whose calendars changed (possibly none), and verified Graph
   * lifecycle notifications for their workflows to act on (services/push-lifecycle.ts).
   */
  | { kind: 'notifications'; connectionIds: string[]; lifecycle?: LifecycleNotice[] };

type Deps = Pick<ServiceDependencies, 'db' | 'providers' | 'logger' | 'pushTokens'>;

export async function receivePushNotification(deps: Deps, provider: 'google' | 'microsoft', request: WebhookRequest): Promise<PushIntake> {
  const { providers, logger, pushTokens } = deps;
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
  const items: Item[] = message.kind === 'batch' ? message.items : [message];
  if (items.length > MAX_NOTIFICATIONS) return { kind: 'too_many', count: items.length };

  // In memory first: only items whose secret this service issued go any further.
  const signed = items.filter((item) => pushTokens.verify(item.secret));
  if (signed.length < items.length) log.warn({ provider, dropped: items.length - signed.length }, 'webhook dropped: forged channel secret');

  const connectionIds = new Set<string>();
  const lifecycle: LifecycleNotice[] = [];
  for (const item of signed) {
    const connectionId = await genuineConnection(deps, provider, item);
    if (!connectionId) continue;
    // A lifecycle event is the workflow's to act on (renew, recreate, or sync on `missed`).
    if (item.kind === 'lifecycle') lifecycle.push(lifecycleNotice(connectionId, item));
    else connectionIds.add(connectionId);
  }
  return { kind: 'notifications', connectionIds: [...connectionIds], ...(lifecycle.length ? { lifecycle } : {}) };
}

/** The connection a signed item is for, when its channel is live and the item is no replay. */
async function genuineConnection({ db, logger }: Deps, provider: string, item: Item): Promise<string | null> {
  const drop = (reason: string) => {
    logger.warn({ component: 'webhooks', provider, kind: item.kind, reason }, 'webhook dropped');
    return null;
  };
  const channel = await channelForNotification(db, item.channelId);
  if (!channel || channel.status !== 'active' || channel.connection.provider !== provider || channel.connection.status === 'disconnected') {
    return drop('unknown or inactive channel');
  }
  if (!matchesHash(item.secret, channel.tokenHash)) return drop('secret of another channel');
  if (provider === 'google' && item.kind === 'change') {
    if (channel.resourceId && item.resourceId !== channel.resourceId) return drop('resource of another channel');
    if (item.messageNumber === undefined) return drop('no message number');
    if (!(await acceptMessageNumber(db, channel.id, item.messageNumber))) return drop('replayed message number');
  }
  return channel.connectionId;
}
