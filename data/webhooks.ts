// Webhook endpoints of an organization and the deliveries of the change stream to them.
import type { Db } from '../db/client';

export type WebhookEndpointRow = NonNullable<Awaited<ReturnType<Db['webhookEndpoint']['findUnique']>>>;
export type WebhookDeliveryRow = NonNullable<Awaited<ReturnType<Db['webhookDelivery']['findUnique']>>>;

/** The organization's endpoint (not deleted), or null. */
export function endpointOf(db: Db, organizationId: string, endpointId: string): Promise<WebhookEndpointRow | null> {
  return db.webhookEndpoint.findFirst({ where: { id: endpointId, organizationId, deletedAt: null } });
}

export function endpointsOf(db: Db, organizationId: string): Promise<WebhookEndpointRow[]> {
  return db.webhookEndpoint.findMany({ where: { organizationId, deletedAt: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

/** The stream's event types the endpoint takes (null: all). */
export function endpointTypes(endpoint: WebhookEndpointRow): string[] | undefined {
  return endpoint.events ? (JSON.parse(endpoint.events) as string[]) : undefined;
}

/** Records one attempt of delivering an event (creating the delivery on its first attempt). */
export async function recordAttempt(
  db: Db,
  attempt: {
    endpointId: string;
    eventSequence: number;
    eventId: string;
    eventType: string;
    delivered: boolean;
    statusCode: number | null;
    error: string | null;
    nextAttemptAt: Date | null;
  },
): Promise<WebhookDeliveryRow> {
  const now = new Date();
  const outcome = {
    status: attempt.delivered ? 'delivered' : 'pending',
    lastStatusCode: attempt.statusCode,
    lastError: attempt.error,
    lastAttemptAt: now,
    nextAttemptAt: attempt.delivered ? null : attempt.nextAttemptAt,
    ...(attempt.delivered ? { deliveredAt: now } : {}),
  };
  return db.webhookDelivery.upsert({
    where: { endpointId_eventSequence: { endpointId: attempt.endpointId, eventSequence: attempt.eventSequence } },
    create: {
      endpointId: attempt.endpointId,
      eventSequence: attempt.eventSequence,
      eventId: attempt.eventId,
      eventType: attempt.eventType,
      attempts: 1,
      firstAttemptAt: now,
      ...outcome,
    },
    update: { attempts: { increment: 1 }, ...outcome },
  });
}

/** When the endpoint is given up: its deliveries still pending are failed. */
export async function disableEndpoint(db: Db, endpointId: string, reason: string): Promise<void> {
  await db.$transaction([
    db.webhookEndpoint.update({ where: { id: endpointId }, data: { disabledAt: new Date(), disabledReason: reason } }),
    db.webhookDelivery.updateMany({ where: { endpointId, status: 'pending' }, data: { status: 'failed', nextAttemptAt: null } }),
  ]);
}

export function deliveriesOf(db: Db, endpointId: string, options: { limit: number; status?: string }) {
  return db.webhookDelivery.findMany({
    where: { endpointId, ...(options.status ? { status: options.status } : {}) },
    orderBy: [{ eventSequence: 'desc' }],
    take: options.limit,
  });
}
