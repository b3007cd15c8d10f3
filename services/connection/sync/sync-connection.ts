// Inbound sync of one connection: for each calendar the owner selected, pages of provider changes are
// applied (data/sync-pages.ts), each page committed with the position reached. An expired cursor restarts a
// full pass; only a COMPLETE full pass may mark events it did not see as cancelled (an empty or partial
// listing never empties the calendar).
import { countSyncedEvents } from '../../../data/events';
import { loadActiveConnection } from '../../../data/connections';
import type { CalendarRow } from '../../../data/calendars';
import { applyChangePage, cancelUnseenSince, parseStoredCursor, type PageCounts, type StoredCursor } from '../../../data/sync-pages';
import { listUpcomingMeetings } from '../../../data/upcoming-meetings';
import { isProviderError } from '../../../providers/errors';
import type { UpcomingMeeting } from '../../../domain/reminders';
import type { ServiceDependencies } from '../../dependencies';
import { ensureCalendars } from '../calendars';
import { reconcileSeriesMasters, verifyUnlistedOutbound } from './reconcile';

type Deps = Pick<ServiceDependencies, 'db' | 'providers' | 'tokens' | 'logger' | 'metrics'>;
type Connection = { id: string; organizationId: string; provider: string };
type Totals = PageCounts & { fullResync: boolean };

export interface SyncResult {
  upserted: number;
  deleted: number;
  unchanged: number;
  fullResync: boolean;
  syncedEvents: number;
  /** Meetings starting within the requested horizon (for reminders), earliest first. */
  upcoming: UpcomingMeeting[];
  tokenExpiresAt?: string;
}

export interface SyncProgress {
  /** After every committed page: a long sync reports liveness here, and may stop (throw) between pages. */
  afterPage(progress: { calendarId: string; pages: number }): void;
}

async function syncCalendar(deps: Deps, connection: Connection, calendar: CalendarRow, totals: Totals, progress: SyncProgress) {
  const { db, providers, tokens, logger } = deps;
  const adapter = providers.get(connection.provider).adapter;
  let cursor: StoredCursor = parseStoredCursor(calendar.syncCursor);
  if (cursor.position === null && !cursor.fullPassStartedAt) cursor = { position: null, fullPassStartedAt: new Date().toISOString() };
  let pages = 0;
  // Outbound events this pass did not list, created since the last pass, are checked at its end.
  const seen = new Set<string>();
  const previousPassAt = calendar.lastSyncAt ?? null;
  for (;;) {
    let page;
    try {
      page = await tokens.withAccessToken(connection.id, (auth) =>
        adapter.fetchChanges(auth, { calendarId: calendar.externalCalendarId, position: cursor.position }),
      );
    } catch (error) {
      if (!isProviderError(error, 'cursor_expired')) throw error;
      // The provider wants a full resync: start over from nothing, never loop on the dead cursor.
      logger.info({ connectionId: connection.id }, 'sync cursor expired; starting a full resync');
      totals.fullResync = true;
      cursor = { position: null, fullPassStartedAt: new Date().toISOString() };
      continue;
    }
    const done = page.next.kind === 'done';
    const next: StoredCursor =
      page.next.kind === 'done'
        ? { position: page.next.cursor }
        : { position: page.next.position, fullPassStartedAt: cursor.fullPassStartedAt };
    for (const change of page.changes) seen.add(change.type === 'upsert' ? change.event.externalId : change.externalId);
    const seriesTouched = new Set<string>();
    const target = {
      connection,
      calendarId: calendar.externalCalendarId,
      calendarRowId: calendar.id,
      fullPass: Boolean(cursor.fullPassStartedAt),
    };
    const counts = await applyChangePage(db, target, page.changes, next, seriesTouched);
    counts.deleted += await reconcileSeriesMasters(deps, connection, calendar.externalCalendarId, seriesTouched);
    totals.upserted += counts.upserted;
    totals.deleted += counts.deleted;
    totals.unchanged += counts.unchanged;
    pages += 1;
    progress.afterPage({ calendarId: calendar.externalCalendarId, pages });
    if (done) {
      totals.deleted += await verifyUnlistedOutbound(deps, connection, calendar.externalCalendarId, seen, previousPassAt);
      if (cursor.fullPassStartedAt) {
        totals.deleted += await cancelUnseenSince(db, connection.id, calendar.externalCalendarId, new Date(cursor.fullPassStartedAt));
      }
      return;
    }
    cursor = next;
  }
}

export async function syncConnection(
  deps: Deps,
  input: { connectionId: string; reminderHorizonMinutes: number },
  progress: SyncProgress,
): Promise<SyncResult> {
  const { db, logger } = deps;
  const connection = await loadActiveConnection(db, input.connectionId);
  const calendars = await ensureCalendars(deps, connection);
  const totals: Totals = { upserted: 0, deleted: 0, unchanged: 0, fullResync: false };
  try {
    for (const calendar of calendars.filter((row) => row.syncEnabled)) {
      await syncCalendar(deps, connection, calendar, totals, progress);
    }
  } catch (error) {
    deps.metrics.syncs.inc({ provider: connection.provider, outcome: 'error' });
    throw error;
  } finally {
    deps.metrics.eventsWritten.inc({ provider: connection.provider }, totals.upserted + totals.deleted);
  }
  deps.metrics.syncs.inc({ provider: connection.provider, outcome: 'ok' });
  const [syncedEvents, upcoming, refreshed] = await Promise.all([
    countSyncedEvents(db, connection.id),
    listUpcomingMeetings(db, { connectionId: connection.id, horizonMinutes: input.reminderHorizonMinutes }),
    db.calendarConnection.findUnique({ where: { id: connection.id }, select: { tokenExpiresAt: true } }),
  ]);
  logger.info({ connectionId: connection.id, ...totals }, 'sync finished');
  return { ...totals, syncedEvents, upcoming, tokenExpiresAt: refreshed?.tokenExpiresAt?.toISOString() };
}
