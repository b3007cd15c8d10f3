// Pages of synced events for the API's listings, ordered by (startAt, id) so pages stay stable while
// events are added elsewhere.
import type { Db, Prisma } from '../db/client';

export interface EventFilter {
  organizationId: string;
  /** Restrict to these connections (already checked for access); undefined: the whole organization. */
  connectionIds?: string[];
  userId?: string;
  from?: string;
  to?: string;
  direction?: 'inbound' | 'outbound';
}

export type ListedEventRow = Prisma.CalendarEventGetPayload<{ include: { connection: { select: { userId: true; provider: true } } } }>;

/** Up to `limit` + 1 rows after `after` (one more than a page: it tells whether another page follows). */
export function eventPage(
  db: Db,
  filter: EventFilter,
  page: { limit: number; after?: { startAt: Date; id: string } },
): Promise<ListedEventRow[]> {
  const { after } = page;
  const where: Prisma.CalendarEventWhereInput = {
    organizationId: filter.organizationId,
    status: { not: 'cancelled' },
    ...(filter.connectionIds ? { connectionId: { in: filter.connectionIds } } : {}),
    ...(filter.userId ? { connection: { userId: filter.userId } } : {}),
    ...(filter.direction ? { syncDirection: filter.direction } : {}),
    AND: [
      ...(filter.from ? [{ endAt: { gt: new Date(filter.from) } }] : []),
      ...(filter.to ? [{ startAt: { lt: new Date(filter.to) } }] : []),
      ...(after ? [{ OR: [{ startAt: { gt: after.startAt } }, { startAt: after.startAt, id: { gt: after.id } }] }] : []),
    ],
  };
  return db.calendarEvent.findMany({
    where,
    include: { connection: { select: { userId: true, provider: true } } },
    orderBy: [{ startAt: 'asc' }, { id: 'asc' }],
    take: page.limit + 1,
  });
}

/** One event with what its view needs of the connection; null when it is not the organization's. */
export function listedEvent(db: Db, organizationId: string, eventId: string): Promise<ListedEventRow | null> {
  return db.calendarEvent.findFirst({
    where: { id: eventId, organizationId },
    include: { connection: { select: { userId: true, provider: true } } },
  });
}
