// Synced events as the API shows them, and cursor pagination over them. The cursor is opaque to clients:
// the last row's start and id, base64url-encoded (data/event-listing.ts orders by the same pair).
import { type z } from 'zod';
import type { Db } from '../../db/client';
import { eventPage, type EventFilter, type ListedEventRow } from '../../data/event-listing';
import type { eventResponse } from '../schemas';
import { decodeKeysetCursor, pageOf } from './keyset-cursor';

export async function listEvents(db: Db, filter: EventFilter & { limit: number; cursor?: string }, viewerUserId: string) {
  const after = filter.cursor ? decodeKeysetCursor(filter.cursor) : undefined;
  const rows = await eventPage(db, filter, { limit: filter.limit, ...(after ? { after: { startAt: after.at, id: after.id } } : {}) });
  const { page, nextCursor } = pageOf(rows, filter.limit, (row) => ({ at: row.startAt, id: row.id }));
  return { events: page.map((row) => eventView(row, viewerUserId)), nextCursor };
}

type Attendees = NonNullable<z.infer<typeof eventResponse>['attendees']>;

/** Stored attendees as the API shows them: a name only when the calendar gave one. */
function parseAttendees(json: string | null): Attendees {
  if (!json) return [];
  try {
    const parsed = JSON.parse(json) as unknown;
    if (!Array.isArray(parsed)) return [];
    return (parsed as Array<{ email: string; name?: string | null; response?: string; optional?: boolean }>).map(
      ({ email, name, response, optional }) => ({
        email,
        ...(name ? { name } : {}),
        ...(response ? { response } : {}),
        ...(optional !== undefined ? { optional } : {}),
      }),
    );
  } catch {
    return [];
  }
}

/**
 * Attendee and organizer emails are the owner's data: other viewers (view-all) get them withheld. A private
 * event is a busy block to them: its times, nothing else.
 */
export function eventView(row: ListedEventRow, viewerUserId: string): z.infer<typeof eventResponse> {
  const isOwner = row.connection.userId === viewerUserId;
  if (row.isPrivate && !isOwner) return busyBlockView(row);
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
    private: row.isPrivate,
    showAs: row.showAs,
  };
}

function busyBlockView(row: ListedEventRow): z.infer<typeof eventResponse> {
  return {
    id: row.id,
    connectionId: row.connectionId,
    userId: row.connection.userId,
    provider: row.connection.provider as 'google' | 'microsoft',
    calendarId: row.externalCalendarId,
    externalEventId: '',
    direction: row.syncDirection as 'inbound' | 'outbound',
    status: row.status,
    title: null,
    description: null,
    location: null,
    start: { at: row.startAt.toISOString(), date: row.startDate },
    end: { at: row.endAt.toISOString(), date: row.endDate },
    allDay: row.allDay,
    timeZone: null,
    kind: row.eventKind === 'seriesMaster' ? 'single' : row.eventKind,
    seriesMasterExternalId: null,
    activityId: null,
    organizer: null,
    attendees: null,
    updatedAt: row.updatedAt.toISOString(),
    private: true,
    showAs: row.showAs,
  };
}
