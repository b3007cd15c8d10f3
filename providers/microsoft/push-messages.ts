// Interprets requests arriving at the webhook: the subscription validation handshake (query
// `validationToken`, answered 200 text/plain with the token), change notifications and lifecycle
// notifications. Graph batches notifications in `value`; the first item names the subscription (the caller
// re-syncs that subscription's calendar, so further items of the same batch add nothing).
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
  const first = parsed.data.value[0]!;
  const secret = first.clientState ?? undefined;
  if (first.lifecycleEvent) return { kind: 'lifecycle', channelId: first.subscriptionId, secret, event: first.lifecycleEvent };
  if (!first.changeType) return { kind: 'invalid', reason: 'notification without changeType' };
  return { kind: 'change', channelId: first.subscriptionId, secret, ...(first.resourceData?.id ? { resourceId: first.resourceData.id } : {}) };
}
