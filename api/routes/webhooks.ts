// Provider push notifications (no API token: providers cannot carry one). Each is recognised by its
// channel id and checked against the channel's secret hash; a genuine one signals `syncNow` to the
// connection's workflow, which re-syncs (and renews channels on its next cycle). Unknown or forged
// notifications are dropped with a log line and still answered 202, so probing learns nothing.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { PushMessage } from '../../providers/types';
import { matchesHash } from '../../services/secret-hash';
import { connectionWorkflowId, syncNowSignal } from '../../workflows/connection/messages';
import type { ApiContext } from '../dependencies';
import { ApiError } from '../errors';
import type { RouteDoc } from '../route-docs';

const webhookParams = z.strictObject({ provider: z.enum(['google', 'microsoft']) });
const MAX_VALIDATION_TOKEN = 1024;

export const webhookRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/webhooks/{provider}',
    summary: 'Push notifications from Google (watch channels) and Microsoft Graph (subscriptions)',
    tag: 'Webhooks',
    auth: false,
    params: webhookParams,
    responses: {
      200: { description: 'Handshake: Graph validation (the token as text/plain) or Google sync message', contentType: 'text/plain' },
      202: { description: 'Accepted (also for unknown or forged notifications, which are dropped)' },
      400: { description: 'Malformed validation request' },
    },
  },
];

export function webhooksRouter({ db, providers, temporal, logger }: ApiContext): Router {
  const router = Router();
  const log = logger.child({ component: 'webhooks' });

  router.post('/v1/webhooks/:provider', async (request: Request, response) => {
    const parsedParams = webhookParams.safeParse(request.params);
    if (!parsedParams.success || !providers.has(parsedParams.data.provider)) throw ApiError.notFound('Webhook');
    const provider = parsedParams.data.provider;
    let message: PushMessage;
    try {
      message = providers.get(provider).adapter.parsePushMessage({ headers: request.headers, query: request.query, body: request.body });
    } catch {
      message = { kind: 'invalid', reason: 'unreadable request' };
    }

    switch (message.kind) {
      case 'validation':
        if (message.responseText.length > MAX_VALIDATION_TOKEN)
          throw new ApiError(400, 'invalid_request', 'query.validationToken: too long');
        response.status(200).type('text/plain').send(message.responseText);
        return;
      case 'sync-handshake':
        response.status(200).end();
        return;
      case 'invalid':
        log.info({ provider, reason: message.reason }, 'webhook dropped: not a notification');
        response.status(202).end();
        return;
      default:
        break;
    }

    // Each notification is checked on its own (a Graph batch may mix subscriptions); every genuine one
    // asks its connection's workflow to sync, once per connection.
    const items = message.kind === 'batch' ? message.items : [message];
    const connectionIds = new Set<string>();
    for (const item of items) {
      const channel = await db.pushChannel.findUnique({
        where: { providerChannelId: item.channelId.slice(0, 256) },
        include: { connection: { select: { id: true, status: true, provider: true } } },
      });
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
      connectionIds.add(channel.connectionId);
    }
    for (const connectionId of connectionIds) {
      try {
        await temporal.workflow.getHandle(connectionWorkflowId(connectionId)).signal(syncNowSignal, { reason: 'push' });
        log.debug({ provider, connectionId }, 'webhook: sync requested');
      } catch (error) {
        // The periodic sync is the safety net; the provider must not retry-storm us over it.
        log.warn({ provider, connectionId, err: { name: (error as Error).name } }, 'webhook: signal failed');
      }
    }
    response.status(202).end();
  });

  return router;
}
