// CRM activities (the CE-04 timeline) with the calendar event each one is linked to, for the API's
// timeline listing. Outbound meetings create them (data/meetings.ts).
import type { Db, Prisma } from '../db/client';

export interface ActivityFilter {
  organizationId: string;
  /** One owner's activities; undefined: the whole organization. */
  ownerUserId?: string;
  from?: Date;
  to?: Date;
  limit: number;
}

export type ActivityRow = Prisma.CrmActivityGetPayload<{
  include: { calendarEvent: { select: { id: true; connectionId: true; status: true; connection: { select: { provider: true } } } } };
}>;

/** Newest first (by start), at most `limit`. */
export function listActivities(db: Db, filter: ActivityFilter): Promise<ActivityRow[]> {
  return db.crmActivity.findMany({
    where: {
      organizationId: filter.organizationId,
      ...(filter.ownerUserId ? { ownerUserId: filter.ownerUserId } : {}),
      AND: [...(filter.from ? [{ endAt: { gt: filter.from } }] : []), ...(filter.to ? [{ startAt: { lt: filter.to } }] : [])],
    },
    include: { calendarEvent: { select: { id: true, connectionId: true, status: true, connection: { select: { provider: true } } } } },
    orderBy: [{ startAt: 'desc' }, { id: 'asc' }],
    take: filter.limit,
  });
}
