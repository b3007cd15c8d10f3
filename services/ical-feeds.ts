// iCal feeds: creating, listing and revoking feed tokens, and rendering what a token may see. A feed token
// is shown once; only its SHA-256 is stored, so a leaked database cannot be turned into feed URLs.
// A feed covers the user's live connections (or one of them), only calendars selected for sync, and
// never cancelled events (cancelled occurrences of a series become EXDATEs of its master).
import { createHash } from 'node:crypto';
import type { Db } from '../db/client';
import { renderCalendar, type FeedEventRow, type FeedVisibility } from '../domain/ical/render';
import { hashSecret, newSecret } from './secret-hash';

/** Feed tokens are 43 base64url characters (newSecret); anything else cannot be a token. */
export const FEED_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const EVENT_COLUMNS = {
  id: true,
  connectionId: true,
  externalCalendarId: true,
  externalEventId: true,
  iCalUid: true,
  status: true,
  title: true,
  description: true,
  location: true,
  startAt: true,
  endAt: true,
  allDay: true,
  startDate: true,
  endDate: true,
  timeZone: true,
  eventKind: true,
  recurrence: true,
  seriesMasterExternalId: true,
  originalStartAt: true,
  organizerEmail: true,
  organizerName: true,
  attendees: true,
  updatedAt: true,
} as const;

export interface FeedView {
  feedId: string;
  connectionId: string | null;
  visibility: FeedVisibility;
  createdAt: string;
  revokedAt: string | null;
}

export interface RenderedFeed {
  body: string;
  etag: string;
  lastModified: Date;
}

export function feedUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/v1/ical/${token}.ics`;
}

function view(row: { id: string; connectionId: string | null; visibility: string; createdAt: Date; revokedAt: Date | null }): FeedView {
  return {
    feedId: row.id,
    connectionId: row.connectionId,
    visibility: row.visibility as FeedVisibility,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export class IcalFeedService {
  constructor(private readonly deps: { db: Db; publicUrl: string }) {}

  async create(input: { organizationId: string; userId: string; connectionId?: string; visibility: FeedVisibility }) {
    const token = newSecret();
    const row = await this.deps.db.calendarFeed.create({
      data: {
        organizationId: input.organizationId,
        userId: input.userId,
        connectionId: input.connectionId ?? null,
        visibility: input.visibility,
        tokenHash: hashSecret(token),
      },
    });
    return { ...view(row), url: feedUrl(this.deps.publicUrl, token) };
  }

  async list(owner: { organizationId: string; userId: string }): Promise<FeedView[]> {
    const rows = await this.deps.db.calendarFeed.findMany({ where: owner, orderBy: { createdAt: 'asc' } });
    return rows.map(view);
  }

  /** Revokes the caller's feed; false when there is no such feed of theirs. Idempotent. */
  async revoke(owner: { organizationId: string; userId: string }, feedId: string): Promise<FeedView | null> {
    const row = await this.deps.db.calendarFeed.findFirst({ where: { id: feedId, ...owner } });
    if (!row) return null;
    if (row.revokedAt) return view(row);
    return view(await this.deps.db.calendarFeed.update({ where: { id: row.id }, data: { revokedAt: new Date() } }));
  }

  /** The feed's calendar for a presented token, or null (unknown, malformed or revoked: all look alike). */
  async renderForToken(token: string): Promise<RenderedFeed | null> {
    if (!FEED_TOKEN_PATTERN.test(token)) return null;
    // The lookup is by hash (a unique index), so timing reveals nothing about other tokens.
    const feed = await this.deps.db.calendarFeed.findUnique({ where: { tokenHash: hashSecret(token) } });
    if (!feed || feed.revokedAt) return null;
    const connections = await this.deps.db.calendarConnection.findMany({
      where: {
        organizationId: feed.organizationId,
        userId: feed.userId,
        status: { not: 'disconnected' },
        ...(feed.connectionId ? { id: feed.connectionId } : {}),
      },
      select: { id: true, externalAccountEmail: true },
    });
    const { rows, selectionChangedAt } = await selectedCalendarEvents(
      this.deps.db,
      connections.map((c) => c.id),
    );
    const name = feed.connectionId && connections[0] ? connections[0].externalAccountEmail : 'Calendar';
    const visibility = feed.visibility as FeedVisibility;
    const body = renderCalendar(rows, { name: visibility === 'public' ? 'Busy' : name, visibility });
    const lastModified = new Date(
      Math.max(feed.createdAt.getTime(), selectionChangedAt.getTime(), ...rows.map((row) => row.updatedAt.getTime())),
    );
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url')}"`, lastModified };
  }
}

/**
 * Events of the connections' sync-enabled calendars, cancelled ones only where they are occurrences of a
 * series (the renderer turns them into EXDATEs), plus when the calendar selection last changed.
 */
export async function selectedCalendarEvents(db: Db, connectionIds: string[]): Promise<{ rows: FeedEventRow[]; selectionChangedAt: Date }> {
  if (connectionIds.length === 0) return { rows: [], selectionChangedAt: new Date(0) };
  const calendars = await db.connectionCalendar.findMany({
    where: { connectionId: { in: connectionIds } },
    select: { connectionId: true, externalCalendarId: true, syncEnabled: true, updatedAt: true },
  });
  const selected = calendars.filter((calendar) => calendar.syncEnabled);
  const selectionChangedAt = new Date(Math.max(0, ...calendars.map((calendar) => calendar.updatedAt.getTime())));
  if (selected.length === 0) return { rows: [], selectionChangedAt };
  const rows = await db.calendarEvent.findMany({
    where: {
      OR: selected.map(({ connectionId, externalCalendarId }) => ({ connectionId, externalCalendarId })),
      AND: [{ OR: [{ status: { not: 'cancelled' } }, { seriesMasterExternalId: { not: null } }] }],
    },
    select: EVENT_COLUMNS,
    orderBy: [{ startAt: 'asc' }, { id: 'asc' }],
  });
  return { rows, selectionChangedAt };
}
