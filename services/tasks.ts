// Follow-up tasks of calendar events (the seeds' PF-29): created for an event the caller can see, linked to
// its CRM activity when it has one, and reported to the CRM (task.created) in the same transaction.
import { emitChange } from '../data/outbox';
import { notFound } from '../domain/failures';
import type { ServiceDependencies } from './dependencies';

export interface TaskView {
  id: string;
  eventId: string;
  activityId: string | null;
  title: string;
  dueAt: string | null;
  assigneeUserId: string;
  createdBy: string;
  createdAt: string;
  completedAt: string | null;
}

type TaskRow = NonNullable<Awaited<ReturnType<ServiceDependencies['db']['followUpTask']['findUnique']>>>;

export function taskView(row: TaskRow): TaskView {
  return {
    id: row.id,
    eventId: row.eventId,
    activityId: row.activityId,
    title: row.title,
    dueAt: row.dueAt?.toISOString() ?? null,
    assigneeUserId: row.assigneeUserId,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}

/** `visible` says whether the caller may see the event's connection (its owner, or view-all). */
export async function createFollowUpTask(
  { db }: Pick<ServiceDependencies, 'db'>,
  input: { organizationId: string; eventId: string; title: string; dueAt?: string; assigneeUserId: string; createdBy: string },
  visible: (event: { connectionUserId: string }) => boolean,
): Promise<TaskView> {
  const event = await db.calendarEvent.findFirst({
    where: { id: input.eventId, organizationId: input.organizationId },
    include: { connection: { select: { userId: true } } },
  });
  if (!event || !visible({ connectionUserId: event.connection.userId })) throw notFound('Event');
  const task = await db.$transaction(async (tx) => {
    const created = await tx.followUpTask.create({
      data: {
        organizationId: input.organizationId,
        eventId: event.id,
        activityId: event.activityId,
        title: input.title,
        dueAt: input.dueAt ? new Date(input.dueAt) : null,
        assigneeUserId: input.assigneeUserId,
        createdBy: input.createdBy,
      },
    });
    await emitChange(tx, {
      organizationId: input.organizationId,
      connectionId: event.connectionId,
      userId: input.assigneeUserId,
      type: 'task.created',
      data: {
        taskId: created.id,
        eventId: event.id,
        activityId: event.activityId,
        title: created.title,
        dueAt: created.dueAt?.toISOString() ?? null,
        assigneeUserId: created.assigneeUserId,
      },
    });
    return created;
  });
  return taskView(task);
}

/** Tasks assigned to `assigneeUserId` (undefined: the organization's), newest first. */
export async function listTasks(
  { db }: Pick<ServiceDependencies, 'db'>,
  filter: { organizationId: string; assigneeUserId?: string; limit: number },
) {
  const rows = await db.followUpTask.findMany({
    where: { organizationId: filter.organizationId, ...(filter.assigneeUserId ? { assigneeUserId: filter.assigneeUserId } : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: filter.limit,
  });
  return rows.map(taskView);
}
