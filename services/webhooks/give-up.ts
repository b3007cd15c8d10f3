// An endpoint that kept failing past the give-up window is disabled, and the admin who registered it is
// told: an in-app notification and a webhook_endpoint.disabled change (heard by the feed and other endpoints).
import { deliverNotification } from '../../data/notifications';
import { disableEndpoint } from '../../data/webhooks';
import type { ServiceDependencies } from '../dependencies';

export async function giveUpEndpoint(
  { db, logger }: Pick<ServiceDependencies, 'db' | 'logger'>,
  input: { endpointId: string; reason: string },
) {
  const endpoint = await db.webhookEndpoint.findUnique({ where: { id: input.endpointId } });
  if (!endpoint || endpoint.disabledAt || endpoint.deletedAt) return;
  await disableEndpoint(db, endpoint.id, input.reason);
  await deliverNotification(
    db,
    {
      organizationId: endpoint.organizationId,
      userId: endpoint.createdBy,
      type: 'webhook_endpoint.disabled',
      dedupeKey: `webhook-endpoint-disabled:${endpoint.id}`,
      eventId: null,
      title: 'A webhook endpoint was disabled',
      body: `Deliveries to ${new URL(endpoint.url).host} failed for too long (${input.reason}).`,
      scheduledFor: new Date(),
    },
    {
      connectionId: null,
      type: 'webhook_endpoint.disabled',
      data: () => ({ endpointId: endpoint.id, url: endpoint.url, reason: input.reason }),
    },
  );
  logger.warn({ endpointId: endpoint.id, reason: input.reason }, 'webhook endpoint disabled');
}
