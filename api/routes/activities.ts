// GET /v1/activities: the CRM activity timeline (meetings scheduled through this API create one each),
// each with the calendar event it is linked to, so a timeline can badge it (CalendarActivityIndicator).
// The caller's own; the organization's with ce.calendar.view-all.
import { z } from 'zod';
import { listActivities, type ActivityRow } from '../../data/activities';
import { PERMISSIONS } from '../auth/permissions';
import { ApiError } from '../routing/errors';
import { route } from '../routing/route';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageLimit, providerIdSchema } from '../schemas';

const isoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with offset' });

const activitiesQuery = z
  .strictObject({
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    userId: z.string().min(1).max(128).optional(),
    limit: pageLimit(MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
  })
  .refine((value) => !value.from || !value.to || Date.parse(value.from) < Date.parse(value.to), {
    error: 'from must be before to',
    path: ['to'],
  });

const activityResponse = z.object({
  id: z.string(),
  ownerUserId: z.string(),
  type: z.string(),
  subject: z.string(),
  contactId: z.string().nullable(),
  start: isoDateTime,
  end: isoDateTime,
  status: z.string().describe('scheduled | cancelled | completed'),
  calendarEvent: z
    .object({ eventId: z.uuid(), connectionId: z.uuid(), provider: providerIdSchema, status: z.string() })
    .nullable()
    .describe('The linked calendar event (null: not linked to a calendar)'),
  createdAt: isoDateTime,
});

function activityView(row: ActivityRow): z.infer<typeof activityResponse> {
  const event = row.calendarEvent;
  return {
    id: row.id,
    ownerUserId: row.ownerUserId,
    type: row.type,
    subject: row.subject,
    contactId: row.contactId,
    start: row.startAt.toISOString(),
    end: row.endAt.toISOString(),
    status: row.status,
    calendarEvent: event
      ? {
          eventId: event.id,
          connectionId: event.connectionId,
          provider: event.connection.provider as 'google' | 'microsoft',
          status: event.status,
        }
      : null,
    createdAt: row.createdAt.toISOString(),
  };
}

export const activityRoutes = [
  route({
    method: 'get',
    path: '/v1/activities',
    summary: "CRM activities (newest first) with their linked calendar events: the caller's, the organization's with view-all",
    tag: 'Activities',
    permission: PERMISSIONS.view,
    query: activitiesQuery,
    responses: { 200: { description: 'Activities', schema: z.object({ activities: z.array(activityResponse) }) } },
  }).handle(async ({ caller, query }, { db }) => {
    const viewAll = caller.permissions.has(PERMISSIONS.viewAll);
    if (!viewAll && query.userId && query.userId !== caller.userId) {
      throw new ApiError(403, 'forbidden', `Missing permission ${PERMISSIONS.viewAll}`, [
        { field: 'query.userId', message: `requires ${PERMISSIONS.viewAll}` },
      ]);
    }
    const owner = viewAll ? query.userId : caller.userId;
    const rows = await listActivities(db, {
      organizationId: caller.organizationId,
      ...(owner ? { ownerUserId: owner } : {}),
      ...(query.from ? { from: new Date(query.from) } : {}),
      ...(query.to ? { to: new Date(query.to) } : {}),
      limit: query.limit,
    });
    return { status: 200, body: { activities: rows.map(activityView) } };
  }),
];
