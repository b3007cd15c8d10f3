// The caller's in-app notifications (pre-meeting reminders, connection and webhook alerts), newest first.
import { pageLimit } from '../schemas';
import { z } from 'zod';
import { markNotificationRead, notificationsOf } from '../../data/notifications';
import { PERMISSIONS } from '../auth/permissions';
import { ApiError } from '../routing/errors';
import { route } from '../routing/route';

const notificationsQuery = z.strictObject({
  unread: z.enum(['true', 'false'], { error: 'must be true or false' }).optional().describe('true: only unread ones'),
  limit: pageLimit(200, 50),
});
const notificationResponse = z.object({
  id: z.uuid(),
  type: z
    .string()
    .describe('calendar.pre_meeting (a reminder), connection.needs_reconnect, connection.needs_attention, webhook_endpoint.disabled'),
  title: z.string(),
  body: z.string().nullable(),
  eventId: z.string().nullable(),
  scheduledFor: z.iso.datetime({ offset: true }),
  deliveredAt: z.iso.datetime({ offset: true }).nullable(),
  readAt: z.iso.datetime({ offset: true }).nullable(),
});

type NotificationRow = Awaited<ReturnType<typeof notificationsOf>>[number];
const view = (row: NotificationRow) => ({
  id: row.id,
  type: row.type,
  title: row.title,
  body: row.body,
  eventId: row.eventId,
  scheduledFor: row.scheduledFor.toISOString(),
  deliveredAt: row.deliveredAt?.toISOString() ?? null,
  readAt: row.readAt?.toISOString() ?? null,
});

export const notificationRoutes = [
  route({
    method: 'get',
    path: '/v1/notifications',
    summary: "The caller's notifications, newest first",
    tag: 'Notifications',
    permission: PERMISSIONS.view,
    query: notificationsQuery,
    responses: { 200: { description: 'Notifications', schema: z.object({ notifications: z.array(notificationResponse) }) } },
  }).handle(async ({ caller, query }, { db }) => {
    const rows = await notificationsOf(
      db,
      { organizationId: caller.organizationId, userId: caller.userId },
      { unreadOnly: query.unread === 'true', limit: query.limit },
    );
    return { status: 200, body: { notifications: rows.map(view) } };
  }),
  route({
    method: 'post',
    path: '/v1/notifications/{notificationId}/read',
    summary: 'Mark a notification read',
    tag: 'Notifications',
    permission: PERMISSIONS.view,
    params: z.strictObject({ notificationId: z.uuid({ error: 'must be a UUID' }) }),
    body: z.union([z.strictObject({}), z.undefined()]),
    responses: { 200: { description: 'The notification', schema: notificationResponse } },
    errors: [404],
  }).handle(async ({ caller, params }, { db }) => {
    const marked = await markNotificationRead(db, { organizationId: caller.organizationId, userId: caller.userId }, params.notificationId);
    if (!marked) throw ApiError.notFound('Notification');
    return { status: 200, body: view(marked.row) };
  }),
];
