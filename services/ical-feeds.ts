// iCal feeds: creating, listing and revoking feed tokens, and what a token may see. A feed token is shown
// once; only its SHA-256 is stored, so a leaked database cannot be turned into feed URLs.
// A feed covers the user's live connections (or one of them), only calendars selected for sync, within a
// bounded window (ICAL_FEED_DAYS_BACK / ICAL_FEED_DAYS_AHEAD around today), and never cancelled events
// (cancelled occurrences of a series become EXDATEs of its master). A `public` feed is busy blocks only
// (domain/ical/busy-blocks.ts). Each answer is identified by an ETag computed from what it would contain
// (row count and latest change in the window, the selection, the window itself) before anything is
// rendered: a poll with a matching If-None-Match costs two small queries, and a rendered body is kept in
// memory under its ETag, so repeated polls without it do not render again either.
import { createHash } from 'node:crypto';
import type { Db, Prisma } from '../db/client';
import { inGroupsOf } from '../domain/collections';
import { busyBlocks } from '../domain/ical/busy-blocks';
import { renderBusyCalendar } from '../domain/ical/busy-calendar';
import { renderCalendar, type FeedEventRow, type FeedVisibility } from '../domain/ical/render';
import { expandSeries } from '../domain/recurrence/occurrences';
import { hashSecret, newSecret } from './secret-hash';

/** Feed tokens are 43 base64url characters (newSecret); anything else cannot be a token. */
export const FEED_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const DAY_MS = 86_400_000;
/** Bumped when the rendering changes, so clients holding an old ETag get the new rendering. */
const RENDERING_VERSION = 2;
const CACHE_ENTRIES = 200;

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
  isPrivate: true,
  showAs: true,
} as const;

export interface FeedView {
  feedId: string;
  connectionId: string | null;
  visibility: FeedVisibility;
  createdAt: string;
  revokedAt: string | null;
}

/** A feed ready to answer: its ETag and date known, its body rendered only when needed. */
export interface FeedAnswer {
  etag: string;
  lastModified: Date;
  body(): Promise<string>;
}

export interface FeedWindowSettings {
  daysBack: number;
  daysAhead: number;
}

export function feedUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/v1/ical/${token}.ics`;
}

/** Whole UTC days, so the window (and the ETag with it) changes once a day, not with every request. */
export function feedWindow(settings: FeedWindowSettings, now: Date): { from: Date; to: Date } {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return { from: new Date(today - settings.daysBack * DAY_MS), to: new Date(today + (settings.daysAhead + 1) * DAY_MS) };
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

/** Rendered bodies by ETag, least recently used first out. Per process; an ETag names one exact body. */
const rendered = new Map<string, string>();
function remember(etag: string, body: string): void {
  rendered.delete(etag);
  rendered.set(etag, body);
  if (rendered.size > CACHE_ENTRIES) rendered.delete(rendered.keys().next().value!);
}

export class IcalFeedService {
  /** `db`: the caller's (tenant-scoped) client; `tenantDb`: one organization's, for a feed found by its token. */
  constructor(private readonly deps: { db: Db; publicUrl: string; window: FeedWindowSettings; tenantDb: (organizationId: string) => Db }) {}

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

  /** The feed's answer for a presented token, or null (unknown, malformed or revoked: all look alike). */
  async answerForToken(token: string, now = new Date()): Promise<FeedAnswer | null> {
    if (!FEED_TOKEN_PATTERN.test(token)) return null;
    // The lookup is by hash (a unique index), so timing reveals nothing about other tokens.
    const feed = await this.deps.db.calendarFeed.findUnique({ where: { tokenHash: hashSecret(token) } });
    if (!feed || feed.revokedAt) return null;
    // Everything else is read as the feed's organization.
    const db = this.deps.tenantDb(feed.organizationId);
    const connections = await db.calendarConnection.findMany({
      where: {
        organizationId: feed.organizationId,
        userId: feed.userId,
        status: { not: 'disconnected' },
        ...(feed.connectionId ? { id: feed.connectionId } : {}),
      },
      select: { id: true, externalAccountEmail: true },
    });
    const window = feedWindow(this.deps.window, now);
    const { wheres, selectionChangedAt } = await selectedEventsWhere(
      db,
      feed.organizationId,
      connections.map((c) => c.id),
      window,
    );
    const summaries = await Promise.all(
      wheres.map((where) => db.calendarEvent.aggregate({ where, _count: { _all: true }, _max: { updatedAt: true } })),
    );
    const eventCount = summaries.reduce((sum, summary) => sum + summary._count._all, 0);
    const lastUpdated = Math.max(0, ...summaries.map((summary) => summary._max.updatedAt?.getTime() ?? 0));
    const lastModified = new Date(Math.max(feed.createdAt.getTime(), selectionChangedAt.getTime(), lastUpdated));
    const fingerprint = [RENDERING_VERSION, feed.id, feed.visibility, window.from.toISOString(), eventCount, lastModified.getTime()];
    const etag = `"${createHash('sha256').update(JSON.stringify(fingerprint)).digest('base64url')}"`;
    const visibility = feed.visibility as FeedVisibility;
    const name = feed.connectionId && connections[0] ? connections[0].externalAccountEmail : 'Calendar';
    return {
      etag,
      lastModified,
      body: async () => {
        const cached = rendered.get(etag);
        if (cached !== undefined) return cached;
        const parts = await Promise.all(
          wheres.map((where) => db.calendarEvent.findMany({ where, select: EVENT_COLUMNS, orderBy: [{ startAt: 'asc' }, { id: 'asc' }] })),
        );
        const rows: FeedEventRow[] = parts.length === 1 ? parts[0]! : parts.flat().sort(byStartThenId);
        const body =
          visibility === 'public'
            ? renderBusyCalendar(busyBlocks(rows, window, now), lastModified)
            : renderCalendar(withinWindow(rows, window, now), { name, visibility });
        remember(etag, body);
        return body;
      },
    };
  }
}

/** The order of a feed's rows (as the query's orderBy): start, then id. */
function byStartThenId(a: FeedEventRow, b: FeedEventRow): number {
  return a.startAt.getTime() - b.startAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Series masters whose rule yields nothing inside the window stay out of the private rendering. */
function withinWindow(rows: FeedEventRow[], window: { from: Date; to: Date }, now: Date): FeedEventRow[] {
  return rows.filter((row) => {
    if (row.eventKind !== 'seriesMaster' || !row.recurrence) return true;
    const series = { start: row.startAt, timeZone: row.allDay ? 'UTC' : row.timeZone, lines: JSON.parse(row.recurrence) as string[] };
    const found = expandSeries(series, { from: window.from, until: window.to }, { now, limit: 1 });
    return found.starts.length > 0 || !found.complete;
  });
}

/**
 * Which event rows a feed of these connections covers in the window: those of calendars selected for sync,
 * overlapping the window (series by their start, and occurrences by their original start too), cancelled
 * ones only where they are occurrences of a series (the renderer turns them into EXDATEs). Also when the
 * calendar selection last changed. Several filters when the calendars are many: Prisma binds each (connection,
 * calendar) pair and never splits an OR, and SQLite takes at most 999 values per statement. The filters cover
 * disjoint calendars, so their rows and counts add up. Empty when nothing can match.
 */
export async function selectedEventsWhere(
  db: Db,
  organizationId: string,
  connectionIds: string[],
  window: { from: Date; to: Date },
): Promise<{ wheres: Prisma.CalendarEventWhereInput[]; selectionChangedAt: Date }> {
  if (connectionIds.length === 0) return { wheres: [], selectionChangedAt: new Date(0) };
  const calendars = await db.connectionCalendar.findMany({
    where: { connectionId: { in: connectionIds } },
    select: { connectionId: true, externalCalendarId: true, syncEnabled: true, updatedAt: true },
  });
  const selected = calendars.filter((calendar) => calendar.syncEnabled);
  const selectionChangedAt = new Date(Math.max(0, ...calendars.map((calendar) => calendar.updatedAt.getTime())));
  const inWindow = rowsTouchingWindow(window);
  const wheres = inGroupsOf(selected, CALENDARS_PER_QUERY).map((some): Prisma.CalendarEventWhereInput => ({
    organizationId,
    OR: some.map(({ connectionId, externalCalendarId }) => ({ connectionId, externalCalendarId })),
    AND: inWindow,
  }));
  return { wheres, selectionChangedAt };
}

/**
 * The rows that can matter inside the window: events overlapping it, series by their start, and occurrences
 * by their original start too; cancelled ones only where they are occurrences of a series.
 */
export function rowsTouchingWindow(window: { from: Date; to: Date }): Prisma.CalendarEventWhereInput[] {
  return [
    { OR: [{ status: { not: 'cancelled' } }, { seriesMasterExternalId: { not: null } }] },
    {
      OR: [
        { eventKind: 'seriesMaster', startAt: { lt: window.to } },
        { eventKind: { not: 'seriesMaster' }, startAt: { lt: window.to }, endAt: { gt: window.from } },
        { originalStartAt: { gte: window.from, lt: window.to } },
      ],
    },
  ];
}

/** Two bound values per calendar and about a dozen for the rest: well under SQLite's 999 per statement. */
export const CALENDARS_PER_QUERY = 400;
