// Inbound sync of one connection: for each calendar the owner selected, pages of provider changes are
// applied (data/sync-pages.ts), each page committed with the position reached. An expired cursor restarts a
// full pass; only a COMPLETE full pass may stage events it did not see as deleted, and a pass's deletions are
// applied only when it settles and the mass-delete breaker lets them through (settle-deletions.ts).
// Each calendar stands alone: a 403 on one (a shared calendar the grant does not reach) is recorded on that
// calendar, a calendar gone at the provider is dropped, and the others sync on.
import { calendarIssuesIn, flaggedCalendarsOf, recordCalendarError, type CalendarIssue, type CalendarRow } from '../../../data/calendars';
import { loadActiveConnection } from '../../../data/connections';
import { countSyncedEvents } from '../../../data/events';
import { INBOUND, RECONCILED } from '../../../data/event-versions';
import { heldDeletionsIn, type HeldDeletions } from '../../../data/held-deletions';
import { applyChangePage, parseStoredCursor, stageUnseenSince, type StoredCursor } from '../../../data/sync-pages';
import { listUpcomingMeetings } from '../../../data/upcoming-meetings';
import { eventTypePolicy } from '../../../domain/event-types';
import type { EventChange } from '../../../domain/events';
import type { UpcomingMeeting } from '../../../domain/reminders';
import { isProviderError } from '../../../providers/errors';
import type { ServiceDependencies } from '../../dependencies';
import { ensureCalendars } from '../calendars';
import { dropCalendarGoneAtProvider, stillListed } from './calendar-gone';
import { reconcileSeriesMasters, verifyUnlistedOutbound } from './reconcile';
import { settleDeletions } from './settle-deletions';

type Deps = Pick<ServiceDependencies, 'db' | 'providers' | 'tokens' | 'logger' | 'metrics' | 'config'>;
type Connection = { id: string; organizationId: string; provider: string };
interface Totals {
  upserted: number;
  deleted: number;
  unchanged: number;
  fullResync: boolean;
  held: number;
}

export interface SyncResult {
  upserted: number;
  deleted: number;
  unchanged: number;
  fullResync: boolean;
  syncedEvents: number;
  /** Meetings starting within the requested horizon (for reminders), earliest first. */
  upcoming: UpcomingMeeting[];
  tokenExpiresAt?: string;
  /** Calendars whose own sync failed (the others synced), and calendars removed at the provider. */
  calendarIssues?: CalendarIssue[];
  /** Calendars whose deletions the mass-delete breaker holds for an operator, with the numbers. */
  heldDeletions?: HeldDeletions[];
  /** Set when this run was the daily reconciliation (a full read of every synced calendar). */
  reconciled?: { at: string; calendars: number; repaired: number };
}

export interface SyncProgress {
  /** After every committed page: a long sync reports liveness here, and may stop (throw) between pages. */
  afterPage(progress: { calendarId: string; pages: number }): void;
}

/** Changes the type policy does not sync (birthdays, working locations) become removals of any stored copy. */
function applyTypePolicy(changes: EventChange[]): EventChange[] {
  return changes.map((change) =>
    change.type === 'upsert' && !eventTypePolicy(change.event.eventType).sync
      ? { type: 'delete', externalId: change.event.externalId, reason: 'excluded' }
      : change,
  );
}

async function syncCalendar(
  deps: Deps,
  connection: Connection,
  calendar: CalendarRow,
  totals: Totals,
  progress: SyncProgress,
  options: { reconcile: boolean },
) {
  const { db, providers, tokens, logger } = deps;
  const adapter = providers.get(connection.provider).adapter;
  const meta = options.reconcile ? RECONCILED : INBOUND;
  let cursor: StoredCursor = parseStoredCursor(calendar.syncCursor);
  // The daily reconciliation reads the calendar in full, whatever its cursor (a pass already under way goes on).
  if (options.reconcile && !cursor.fullPassStartedAt) cursor = { position: null, fullPassStartedAt: new Date().toISOString() };
  if (cursor.position === null && !cursor.fullPassStartedAt) cursor = { position: null, fullPassStartedAt: new Date().toISOString() };
  let pages = 0;
  let listedInFullPass = 0;
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
      listedInFullPass = 0;
      continue;
    }
    const done = page.next.kind === 'done';
    const next: StoredCursor =
      page.next.kind === 'done'
        ? { position: page.next.cursor }
        : { position: page.next.position, fullPassStartedAt: cursor.fullPassStartedAt };
    const changes = applyTypePolicy(page.changes);
    for (const change of changes) seen.add(change.type === 'upsert' ? change.event.externalId : change.externalId);
    if (cursor.fullPassStartedAt) listedInFullPass += changes.filter((change) => change.type === 'upsert').length;
    const seriesTouched = new Set<string>();
    const target = {
      connection,
      calendarId: calendar.externalCalendarId,
      calendarRowId: calendar.id,
      fullPass: Boolean(cursor.fullPassStartedAt),
      meta,
    };
    const counts = await applyChangePage(db, target, changes, next, seriesTouched);
    await reconcileSeriesMasters(deps, connection, calendar.externalCalendarId, seriesTouched);
    totals.upserted += counts.upserted;
    totals.deleted += counts.deleted;
    totals.unchanged += counts.unchanged;
    pages += 1;
    progress.afterPage({ calendarId: calendar.externalCalendarId, pages });
    if (done) {
      await verifyUnlistedOutbound(deps, connection, calendar.externalCalendarId, seen, previousPassAt);
      if (cursor.fullPassStartedAt) {
        await stageUnseenSince(db, connection.id, calendar.externalCalendarId, new Date(cursor.fullPassStartedAt));
      }
      const settled = await settleDeletions(deps, {
        connectionId: connection.id,
        calendar,
        fullListingEmpty: Boolean(cursor.fullPassStartedAt) && listedInFullPass === 0,
        meta,
      });
      totals.deleted += settled.applied;
      totals.held += settled.held;
      if (options.reconcile) await db.connectionCalendar.update({ where: { id: calendar.id }, data: { lastReconciledAt: new Date() } });
      return;
    }
    cursor = next;
  }
}

/**
 * One calendar's pass; what concerns only this calendar is recorded on it instead of failing the sync:
 * a 403 (permission_denied) and a 404 of a calendar no longer in the account's list (dropped).
 */
async function syncCalendarAlone(
  deps: Deps,
  connection: Connection,
  calendar: CalendarRow,
  totals: Totals,
  progress: SyncProgress,
  options: { reconcile: boolean },
): Promise<void> {
  try {
    await syncCalendar(deps, connection, calendar, totals, progress, options);
    if (calendar.syncErrorCode) await recordCalendarError(deps.db, calendar.id, null);
  } catch (error) {
    if (isProviderError(error, 'permission_denied')) {
      deps.logger.warn(
        { connectionId: connection.id, code: error.details.code },
        'calendar not readable with this grant; the others sync on',
      );
      await recordCalendarError(deps.db, calendar.id, 'permission_denied');
      return;
    }
    if (isProviderError(error, 'not_found')) {
      if (!(await stillListed(deps, connection, calendar))) {
        totals.deleted += await dropCalendarGoneAtProvider(deps, connection, calendar);
        return;
      }
      await recordCalendarError(deps.db, calendar.id, 'not_found');
      return;
    }
    throw error;
  }
}

export async function syncConnection(
  deps: Deps,
  input: { connectionId: string; reminderHorizonMinutes: number; reconcile?: boolean },
  progress: SyncProgress,
): Promise<SyncResult> {
  const { db, logger } = deps;
  const connection = await loadActiveConnection(db, input.connectionId);
  const calendars = await ensureCalendars(deps, connection);
  const totals: Totals = { upserted: 0, deleted: 0, unchanged: 0, fullResync: false, held: 0 };
  const options = { reconcile: input.reconcile === true };
  const synced = calendars.filter((row) => row.syncEnabled);
  try {
    for (const calendar of synced) await syncCalendarAlone(deps, connection, calendar, totals, progress, options);
  } catch (error) {
    deps.metrics.syncs.inc({ provider: connection.provider, outcome: 'error' });
    throw error;
  } finally {
    deps.metrics.eventsWritten.inc({ provider: connection.provider }, totals.upserted + totals.deleted);
  }
  deps.metrics.syncs.inc({ provider: connection.provider, outcome: 'ok' });
  const [syncedEvents, upcoming, refreshed, flagged] = await Promise.all([
    countSyncedEvents(db, connection.id),
    listUpcomingMeetings(db, { connectionId: connection.id, horizonMinutes: input.reminderHorizonMinutes }),
    db.calendarConnection.findUnique({ where: { id: connection.id }, select: { tokenExpiresAt: true } }),
    flaggedCalendarsOf(db, connection.id),
  ]);
  const calendarIssues = calendarIssuesIn(flagged);
  const heldDeletions = await heldDeletionsIn(db, connection.id, flagged);
  logger.info({ connectionId: connection.id, ...totals, reconcile: options.reconcile }, 'sync finished');
  const { held: _held, ...counts } = totals;
  return {
    ...counts,
    syncedEvents,
    upcoming,
    tokenExpiresAt: refreshed?.tokenExpiresAt?.toISOString(),
    calendarIssues,
    heldDeletions,
    ...(options.reconcile
      ? { reconciled: { at: new Date().toISOString(), calendars: synced.length, repaired: totals.upserted + totals.deleted } }
      : {}),
  };
}
