// Interprets requests arriving at the webhook: the subscription validation handshake (query
// `validationToken`, answered 200 text/plain with the token), change notifications and lifecycle
// notifications. Graph batches notifications in `value`, possibly for several subscriptions: a batch comes
// back as `batch` so the webhook checks and routes every item.
import type { PushMessage, WebhookRequest } from '../types';
import { notificationSchema } from './schemas';

export function parseGraphPushMessage(request: WebhookRequest): PushMessage {
  const token = request.query.validationToken;
  if (typeof token === 'string' && token.length > 0) return { kind: 'validation', responseText: token };
  let body = request.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      return { kind: 'invalid', reason: 'body is not JSON' };
    }
  }
  const parsed = notificationSchema.safeParse(body);
  if (!parsed.success) return { kind: 'invalid', reason: 'not a Microsoft Graph notification' };
  const items: Array<Extract<PushMessage, { kind: 'change' | 'lifecycle' }>> = [];
  for (const item of parsed.data.value) {
    const secret = item.clientState ?? undefined;
    if (item.lifecycleEvent) items.push({ kind: 'lifecycle', channelId: item.subscriptionId, secret, event: item.lifecycleEvent });
    else if (item.changeType) {
      items.push({
        kind: 'change',
        channelId: item.subscriptionId,
        secret,
        ...(item.resourceData?.id ? { resourceId: item.resourceData.id } : {}),
      });
    }
  }
  if (items.length === 0) return { kind: 'invalid', reason: 'notification without changeType' };
  return items.length === 1 ? items[0]! : { kind: 'batch', items };
}
