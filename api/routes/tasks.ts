// Follow-up tasks of calendar events (services/tasks.ts): created for an event the caller can see, listed
// for the caller (or, with view-all, for the organization or one user).
import { pageLimit } from '../schemas';
import { z } from 'zod';
import { createFollowUpTask, listTasks } from '../../services/tasks';
import { PERMISSIONS } from '../auth/permissions';
import { ApiError } from '../routing/errors';
import { answeringFailures } from '../routing/failure-responses';
import { route } from '../routing/route';

const userId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\s]+$/, { error: 'must not contain whitespace' });
const taskBody = z.strictObject({
  title: z.string().trim().min(1, { error: 'must not be empty' }).max(255),
  dueAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with offset' }).optional(),
  assigneeUserId: userId.optional().describe('Default: the caller'),
});
const taskResponse = z.object({
  id: z.uuid(),
  eventId: z.uuid(),
  activityId: z.string().nullable(),
  title: z.string(),
  dueAt: z.iso.datetime({ offset: true }).nullable(),
  assigneeUserId: z.string(),
  createdBy: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  completedAt: z.iso.datetime({ offset: true }).nullable(),
});
const tasksQuery = z.strictObject({
  assignee: z.string().max(128).optional().describe('A user id, or `all` (view-all); default: the caller'),
  limit: pageLimit(200, 50),
});

export const taskRoutes = [
  route({
    method: 'post',
    path: '/v1/events/{eventId}/follow-up-tasks',
    summary: 'Create a follow-up task for a calendar event (linked to its CRM activity, if it has one)',
    tag: 'Tasks',
    permission: PERMISSIONS.schedule,
    params: z.strictObject({ eventId: z.uuid({ error: 'must be a UUID' }) }),
    body: taskBody,
    responses: { 201: { description: 'The task', schema: taskResponse } },
    errors: [404],
  }).handle(async ({ caller, params, body }, ctx) => {
    const viewAll = caller.permissions.has(PERMISSIONS.viewAll);
    const task = await answeringFailures('Event', () =>
      createFollowUpTask(
        ctx,
        {
          organizationId: caller.organizationId,
          eventId: params.eventId,
          title: body.title,
          ...(body.dueAt ? { dueAt: body.dueAt } : {}),
          assigneeUserId: body.assigneeUserId ?? caller.userId,
          createdBy: caller.userId,
        },
        ({ connectionUserId }) => connectionUserId === caller.userId || viewAll,
      ),
    );
    return { status: 201, body: task };
  }),
  route({
    method: 'get',
    path: '/v1/tasks',
    summary: "Follow-up tasks, newest first: the caller's, or (with ce.calendar.view-all) anyone's",
    tag: 'Tasks',
    permission: PERMISSIONS.view,
    query: tasksQuery,
    responses: { 200: { description: 'Tasks', schema: z.object({ tasks: z.array(taskResponse) }) } },
  }).handle(async ({ caller, query }, ctx) => {
    const assignee = query.assignee ?? caller.userId;
    if (assignee !== caller.userId && !caller.permissions.has(PERMISSIONS.viewAll)) {
      throw new ApiError(403, 'forbidden', `Missing permission ${PERMISSIONS.viewAll}`, [
        { field: 'query.assignee', message: `requires ${PERMISSIONS.viewAll}` },
      ]);
    }
    const tasks = await listTasks(ctx, {
      organizationId: caller.organizationId,
      limit: query.limit,
      ...(assignee === 'all' ? {} : { assigneeUserId: assignee }),
    });
    return { status: 200, body: { tasks } };
  }),
];
