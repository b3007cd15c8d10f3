// Provider push notifications (no API token: providers cannot carry one). The body is capped (app.ts) and
// so is the number of notifications per request (413 beyond); each notification is checked on its own,
// in memory before any database work (services/push-intake.ts). Genuine ones ask their connections'
// workflows to sync, folded per connection (services/push-signal-coalescer.ts); unknown, forged or
// replayed ones are dropped and still answered 202, so probing learns nothing.
import { z } from 'zod';
import { MAX_NOTIFICATIONS, receivePushNotification } from '../../services/push-intake';
import { forwardLifecycleNotices } from '../../services/push-lifecycle';
import { ApiError } from '../routing/errors';
import { publicRoute } from '../routing/route';

/** Any name reaches the handler: a provider this service does not know answers 404 like any unknown path. */
const webhookParams = z.strictObject({ provider: z.string().max(64).describe('google or microsoft') });
const knownProvider = z.enum(['google', 'microsoft']);
const MAX_VALIDATION_TOKEN = 1024;
/** The largest webhook body read (Graph's batches of change notifications are well below it). */
export const WEBHOOK_BODY_LIMIT = '64kb';

export const webhookRoutes = [
  publicRoute({
    method: 'post',
    path: '/v1/webhooks/{provider}',
    summary: 'Push notifications from Google (watch channels) and Microsoft Graph (subscriptions)',
    tag: 'Webhooks',
    params: webhookParams,
    // Providers add their own parameters (Graph's validationToken); the adapter reads what it needs.
    query: z.looseObject({}),
    headers: z.looseObject({}),
    body: z.unknown(),
    responses: {
      200: { description: 'Handshake: Graph validation (the token as text/plain) or Google sync message', contentType: 'text/plain' },
      202: { description: 'Accepted (also for unknown, forged or replayed notifications, which are dropped)' },
      400: { description: 'Malformed validation request' },
      404: { description: 'No such provider' },
      413: { description: `A body over ${WEBHOOK_BODY_LIMIT}, or more than ${MAX_NOTIFICATIONS} notifications` },
    },
  }).handle(async ({ params, query, headers, body }, ctx) => {
    const known = knownProvider.safeParse(params.provider);
    if (!known.success || !ctx.providers.has(known.data)) throw ApiError.notFound('Webhook');
    const provider = known.data;
    const intake = await receivePushNotification(ctx, provider, { headers: headers as Record<string, string>, query, body });
    if (intake.kind === 'validation') {
      if (intake.responseText.length > MAX_VALIDATION_TOKEN) throw new ApiError(400, 'invalid_request', 'query.validationToken: too long');
      return { status: 200, text: intake.responseText, contentType: 'text/plain' };
    }
    if (intake.kind === 'handshake') return { status: 200, empty: true };
    if (intake.kind === 'too_many') {
      throw new ApiError(413, 'too_many_notifications', `At most ${MAX_NOTIFICATIONS} notifications per request (got ${intake.count})`);
    }
    if (intake.lifecycle) await forwardLifecycleNotices(ctx, intake.lifecycle);
    for (const connectionId of intake.connectionIds) {
      try {
        await ctx.pushSignals.request(connectionId);
      } catch (error) {
        // The periodic sync is the safety net; the provider must not retry-storm us over it.
        ctx.logger.warn({ provider, connectionId, err: { name: (error as Error).name } }, 'webhook: signal failed');
      }
    }
    return { status: 202, empty: true };
  }),
];
