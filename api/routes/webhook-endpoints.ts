// Webhook endpoints of the organization, for org admins (services/webhooks/endpoints.ts): register (the
// signing secret is shown once), list, delete, rotate the secret, read the delivery log, retry a delivery.
import { pageLimit } from '../schemas';
import { z } from 'zod';
import { deliveriesOf, endpointOf } from '../../data/webhooks';
import { CHANGE_EVENT_TYPES } from '../../domain/change-events';
import { createEndpoint, deleteEndpoint, listEndpoints, rotateSecret } from '../../services/webhooks/endpoints';
import { PERMISSIONS } from '../auth/permissions';
import { ApiError } from '../routing/errors';
import { answeringFailures } from '../routing/failure-responses';
import { route } from '../routing/route';

const uuid = z.uuid({ error: 'must be a UUID' });
const endpointParams = z.strictObject({ endpointId: uuid });
const deliveryParams = z.strictObject({ endpointId: uuid, deliveryId: uuid });
const eventType = z.enum(CHANGE_EVENT_TYPES as [string, ...string[]], { error: `must be one of ${CHANGE_EVENT_TYPES.join(', ')}` });

const createBody = z.strictObject({
  url: z.string().max(2048).describe('An https URL on a public host'),
  events: z.array(eventType).min(1).max(CHANGE_EVENT_TYPES.length).optional().describe('Only these types (default: every type)'),
});
const endpointResponse = z.object({
  id: uuid,
  url: z.string(),
  events: z.array(z.string()).nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  disabledAt: z.iso.datetime({ offset: true }).nullable(),
  disabledReason: z.string().nullable(),
});
const withSecret = endpointResponse.extend({ secret: z.string().describe('whsec_...: shown only now; verify deliveries with it') });
const deliveryResponse = z.object({
  id: uuid,
  eventId: z.string().describe('The webhook-id header of every attempt'),
  eventType: z.string(),
  sequence: z.number().int(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: z.iso.datetime({ offset: true }).nullable(),
  nextAttemptAt: z.iso.datetime({ offset: true }).nullable(),
  deliveredAt: z.iso.datetime({ offset: true }).nullable(),
});
const deliveriesQuery = z.strictObject({
  status: z.enum(['pending', 'delivered', 'failed'], { error: 'must be pending, delivered or failed' }).optional(),
  limit: pageLimit(200, 50),
});

const admin = { tag: 'Webhooks to the CRM', permission: PERMISSIONS.admin } as const;

export const webhookEndpointRoutes = [
  route({
    ...admin,
    method: 'post',
    path: '/v1/webhook-endpoints',
    summary: 'Register a webhook endpoint: the changes of the organization are delivered to it as Standard Webhooks',
    body: createBody,
    responses: { 201: { description: 'Registered; the secret is shown only in this answer', schema: withSecret } },
  }).handle(async ({ caller, body }, ctx) => {
    const created = await answeringFailures('Webhook endpoint', () =>
      createEndpoint(ctx, {
        organizationId: caller.organizationId,
        url: body.url,
        ...(body.events ? { events: body.events } : {}),
        createdBy: caller.userId,
      }),
    );
    return { status: 201, body: created };
  }),
  route({
    ...admin,
    method: 'get',
    path: '/v1/webhook-endpoints',
    summary: "The organization's webhook endpoints (without secrets)",
    responses: { 200: { description: 'Endpoints', schema: z.object({ endpoints: z.array(endpointResponse) }) } },
  }).handle(async ({ caller }, ctx) => ({ status: 200, body: { endpoints: await listEndpoints(ctx, caller.organizationId) } })),
  route({
    ...admin,
    method: 'delete',
    path: '/v1/webhook-endpoints/{endpointId}',
    summary: 'Delete a webhook endpoint: deliveries stop, its secrets are deleted, its delivery log stays readable',
    params: endpointParams,
    responses: { 200: { description: 'Deleted', schema: endpointResponse } },
    errors: [404],
  }).handle(async ({ caller, params }, ctx) => ({
    status: 200,
    body: await answeringFailures('Webhook endpoint', () => deleteEndpoint(ctx, caller.organizationId, params.endpointId)),
  })),
  route({
    ...admin,
    method: 'post',
    path: '/v1/webhook-endpoints/{endpointId}/rotate-secret',
    summary: 'Rotate the signing secret: the old and the new one both sign for 24 hours',
    params: endpointParams,
    responses: {
      200: {
        description: 'The new secret, shown only now',
        schema: withSecret.extend({ previousSecretExpiresAt: z.iso.datetime({ offset: true }) }),
      },
    },
    errors: [404],
  }).handle(async ({ caller, params }, ctx) => ({
    status: 200,
    body: await answeringFailures('Webhook endpoint', () => rotateSecret(ctx, caller.organizationId, params.endpointId)),
  })),
  route({
    ...admin,
    method: 'get',
    path: '/v1/webhook-endpoints/{endpointId}/deliveries',
    summary: "An endpoint's delivery log, newest first: status, attempts, last response code, next retry",
    params: endpointParams,
    query: deliveriesQuery,
    responses: { 200: { description: 'Deliveries', schema: z.object({ deliveries: z.array(deliveryResponse) }) } },
    errors: [404],
  }).handle(async ({ caller, params, query }, { db }) => {
    const endpoint = await endpointOf(db, caller.organizationId, params.endpointId);
    if (!endpoint) throw ApiError.notFound('Webhook endpoint');
    const rows = await deliveriesOf(db, endpoint.id, { limit: query.limit, ...(query.status ? { status: query.status } : {}) });
    const deliveries = rows.map((row) => ({
      id: row.id,
      eventId: row.eventId,
      eventType: row.eventType,
      sequence: row.eventSequence,
      status: row.status as 'pending' | 'delivered' | 'failed',
      attempts: row.attempts,
      lastStatusCode: row.lastStatusCode,
      lastError: row.lastError,
      lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
      nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
      deliveredAt: row.deliveredAt?.toISOString() ?? null,
    }));
    return { status: 200, body: { deliveries } };
  }),
  route({
    ...admin,
    method: 'post',
    path: '/v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/retry',
    summary: 'Deliver this event again now (a pending one without waiting for its next attempt)',
    params: deliveryParams,
    responses: {
      202: { description: 'Asked of the delivery workflow', schema: z.object({ deliveryId: uuid, status: z.literal('accepted') }) },
    },
    errors: [404, 409],
  }).handle(async ({ caller, params }, { db, webhooks }) => {
    const endpoint = await endpointOf(db, caller.organizationId, params.endpointId);
    const delivery = endpoint && (await db.webhookDelivery.findFirst({ where: { id: params.deliveryId, endpointId: endpoint.id } }));
    if (!endpoint || !delivery) throw ApiError.notFound('Delivery');
    if (endpoint.disabledAt || !(await webhooks.redeliver(endpoint.id, delivery.eventSequence))) {
      throw new ApiError(409, 'endpoint_disabled', 'The endpoint is disabled: register it again to resume deliveries');
    }
    return { status: 202, body: { deliveryId: delivery.id, status: 'accepted' as const } };
  }),
];
