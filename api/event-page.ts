// Cursor pagination over synced events, ordered by (startAt, id). The cursor is opaque to clients: the
// last row's start and id, base64url-encoded, so pages stay stable while events are added elsewhere.
import { z } from 'zod';
import type { Db, Prisma } from '../db/client';
import { ApiError } from './errors';
import type { eventResponse } from './schemas';

const cursorSchema = z.tuple([z.iso.datetime(), z.uuid()]);

export function encodeCursor(row: { startAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.startAt.toISOString(), row.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { startAt: Date; id: string } {
  try {
    const [startAt, id] = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { startAt: new Date(startAt), id };
  } catch {
    throw new ApiError(400, 'invalid_request', 'query.cursor: not a cursor this API issued', [
      { field: 'query.cursor', message: 'not a cursor this API issued' },
    ]);
  }
}

export interface EventFilter {
  organizationId: string;
  /** Restrict to these connections (already checked for access); undefined: the whole organization. */
  connectionIds?: string[];
  userId?: string;
  from?: string;
  to?: string;
  direction?: 'inbound' | 'outbound';
  limit: number;
  cursor?: string;
}

type EventRow = Prisma.CalendarEventGetPayload<{ include: { connection: { select: { userId: true; provider: true } } } }>;

export async function listEvents(db: Db, filter: EventFilter, viewerUserId: string) {
  const after = filter.cursor ? decodeCursor(filter.cursor) : undefined;
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
  const rows = await db.calendarEvent.findMany({
    where,
    include: { connection: { select: { userId: true, provider: true } } },
    orderBy: [{ startAt: 'asc' }, { id: 'asc' }],
    take: filter.limit + 1,
  });
  const page = rows.slice(0, filter.limit);
  return {
    events: page.map((row) => eventView(row, viewerUserId)),
    nextCursor: rows.length > filter.limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

function parseAttendees(json: string | null): z.infer<typeof eventResponse>['attendees'] {
  if (!json) return [];
  try {
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? (parsed as z.infer<typeof eventResponse>['attendees']) : [];
  } catch {
    return [];
  }
}

/** Attendee and organizer emails are the owner's data: other viewers (view-all) get them withheld. */
export function eventView(row: EventRow, viewerUserId: string): z.infer<typeof eventResponse> {
  const isOwner = row.connection.userId === viewerUserId;
  return {
    id: row.id,
    connectionId: row.connectionId,
    userId: row.connection.userId,
    provider: row.connection.provider as 'google' | 'microsoft',
    calendarId: row.externalCalendarId,
    externalEventId: row.externalEventId,
    direction: row.syncDirection as 'inbound' | 'outbound',
    status: row.status,
    title: row.title,
    description: row.description,
    location: row.location,
    start: { at: row.startAt.toISOString(), date: row.startDate },
    end: { at: row.endAt.toISOString(), date: row.endDate },
    allDay: row.allDay,
    timeZone: row.timeZone,
    kind: row.eventKind,
    seriesMasterExternalId: row.seriesMasterExternalId,
    activityId: row.activityId,
    organizer: row.organizerEmail || row.organizerName ? { email: isOwner ? row.organizerEmail : null, name: row.organizerName } : null,
    attendees: isOwner ? parseAttendees(row.attendees) : null,
    updatedAt: row.updatedAt.toISOString(),
  };
}
