// Inbound sync: pages of provider changes are applied to ce_calendar_events, each page in one transaction
// together with the position reached, so a crash replays the last page and never skips one. An expired
// cursor restarts a full pass; only a COMPLETE full pass may mark events it did not see as cancelled (an
// empty or partial listing never empties the calendar).
import { Context, heartbeat } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { versionFromRow } from '../../domain/merge/event-version';
import type { UpcomingMeeting } from '../../domain/reminders';
import { isProviderError } from '../../providers/errors';
import type { EventChange, EventTime, ProviderEvent, SyncPosition } from '../../providers/types';
import type { SyncResult } from './types';
import type { ConnectionActivityDeps } from './dependencies';
import { listUpcomingMeetings as listUpcoming } from './upcoming-meetings';
import { ensureCalendars, loadActiveConnection } from './connection-rows';
import { applyProviderVersion, markCancelled, recordChange, rowDataFromProvider, type ChangeMeta } from './event-changes';

/** Every change sync applies came from the provider. */
const INBOUND: ChangeMeta = { direction: 'inbound', source: 'provider', actor: 'provider' };

/** What ce_calendar_connection_calendars.sync_cursor holds: the provider position plus our pass state. */
interface StoredCursor {
  position: SyncPosition | null;
  /** Set while a full pass is under way: when it started (for reconciliation at its end). */
  fullPassStartedAt?: string;
}

export function parseStoredCursor(value: string | null): StoredCursor {
  if (!value) return { position: null, fullPassStartedAt: undefined };
  return JSON.parse(value) as StoredCursor;
}

interface PageCounts {
  upserted: number;
  deleted: number;
  unchanged: number;
}

export function createSyncActivities(deps: ConnectionActivityDeps) {
  const { db, providers, tokens, logger } = deps;

  async function applyChanges(
    connection: { id: string; organizationId: string },
    calendarId: string,
    changes: EventChange[],
    nextCursor: StoredCursor,
    calendarRowId: string,
    fullPass: boolean,
    seriesTouched: Set<string>,
  ): Promise<PageCounts> {
    const counts: PageCounts = { upserted: 0, deleted: 0, unchanged: 0 };
    const now = new Date();
    await db.$transaction(async (tx) => {
      const seenUnchanged: string[] = [];
      for (const change of changes) {
        const where = {
          connectionId_externalCalendarId_externalEventId: {
            connectionId: connection.id,
            externalCalendarId: calendarId,
            externalEventId: change.type === 'upsert' ? change.event.externalId : change.externalId,
          },
        };
        const existing = await tx.calendarEvent.findUnique({ where });
        if (change.type === 'delete') {
          // A cancelled occurrence of a series we hold, never stored as its own event: keep it as a
          // cancelled exception, so the series' state (which occurrences are gone) is known here too.
          if (!existing && change.reason === 'deleted' && change.seriesMasterId && change.originalStart) {
            if (await recordCancelledOccurrence(tx, connection, calendarId, change, now)) {
              counts.deleted += 1;
              continue;
            }
          }
          // "Left the window" is not a deletion: the event still exists at the provider.
          if (change.reason === 'left_window' || !existing || existing.status === 'cancelled') {
            counts.unchanged += 1;
            continue;
          }
          await markCancelled(tx, existing, INBOUND, now);
          if (existing.seriesMasterExternalId) seriesTouched.add(existing.seriesMasterExternalId);
          counts.deleted += 1;
          continue;
        }
        const data = rowDataFromProvider(change.event, now);
        if (!existing) {
          const created = await tx.calendarEvent.create({
            data: {
              organizationId: connection.organizationId,
              connectionId: connection.id,
              externalCalendarId: calendarId,
              externalEventId: change.event.externalId,
              syncDirection: 'inbound',
              ...data,
            },
          });
          await recordChange(tx, created.id, INBOUND, null, versionFromRow(created));
          counts.upserted += 1;
        } else if (existing.contentHash === data.contentHash) {
          // Same content (e.g. our own write coming back): write nothing, or only the new version tag.
          if (existing.etag !== change.event.version) {
            await tx.calendarEvent.update({ where: { id: existing.id }, data: { etag: change.event.version, lastSyncedAt: now } });
          } else if (fullPass) {
            seenUnchanged.push(existing.id);
          }
          counts.unchanged += 1;
        } else {
          await applyProviderVersion(tx, existing, change.event, INBOUND, now);
          counts.upserted += 1;
        }
      }
      // A full pass marks what it saw, so its end can tell which events the provider no longer has.
      if (seenUnchanged.length) {
        await tx.calendarEvent.updateMany({ where: { id: { in: seenUnchanged } }, data: { lastSyncedAt: now } });
      }
      await tx.connectionCalendar.update({
        where: { id: calendarRowId },
        data: { syncCursor: JSON.stringify(nextCursor), ...(nextCursor.fullPassStartedAt ? {} : { lastSyncAt: now }) },
      });
    });
    return counts;
  }

  async function recordCancelledOccurrence(
    tx: Parameters<Parameters<typeof db.$transaction>[0]>[0],
    connection: { id: string; organizationId: string },
    calendarId: string,
    change: Extract<EventChange, { type: 'delete' }>,
    now: Date,
  ): Promise<boolean> {
    const master = await tx.calendarEvent.findUnique({
      where: {
        connectionId_externalCalendarId_externalEventId: {
          connectionId: connection.id,
          externalCalendarId: calendarId,
          externalEventId: change.seriesMasterId!,
        },
      },
    });
    if (!master || !change.originalStart) return false;
    const start = change.originalStart;
    const durationMs = master.endAt.getTime() - master.startAt.getTime();
    const startMs = start.kind === 'date' ? Date.parse(`${start.date}T00:00:00Z`) : Date.parse(start.dateTime);
    const end: EventTime =
      start.kind === 'date'
        ? { kind: 'date', date: new Date(startMs + durationMs).toISOString().slice(0, 10) }
        : { kind: 'dateTime', dateTime: new Date(startMs + durationMs).toISOString(), timeZone: start.timeZone };
    const occurrence: ProviderEvent = {
      externalId: change.externalId,
      calendarId,
      version: '',
      status: 'cancelled',
      ...(master.title ? { title: master.title } : {}),
      start,
      end,
      kind: 'exception',
      seriesMasterId: change.seriesMasterId!,
      originalStart: start,
      attendees: [],
      updatedAt: now.toISOString(),
    };
    const data = rowDataFromProvider(occurrence, now);
    const created = await tx.calendarEvent.create({
      data: {
        organizationId: connection.organizationId,
        connectionId: connection.id,
        externalCalendarId: calendarId,
        externalEventId: change.externalId,
        syncDirection: 'inbound',
        ...data,
        etag: null,
      },
    });
    await recordChange(tx, created.id, INBOUND, null, versionFromRow(created));
    return true;
  }

  /**
   * A change listing reports differences from the state the last cursor saw: an event we created after
   * that and that was deleted before this pass (Graph) is never listed at all. Our own recent meetings
   * that this pass did not list are therefore looked up, and recorded as deleted when they are gone.
   */
  async function verifyUnlistedOutbound(
    connection: { id: string; provider: string },
    calendarId: string,
    seen: Set<string>,
    previousPassAt: Date | null,
  ): Promise<number> {
    if (!previousPassAt) return 0;
    const recent = await db.calendarEvent.findMany({
      where: {
        connectionId: connection.id,
        externalCalendarId: calendarId,
        syncDirection: 'outbound',
        status: { not: 'cancelled' },
        createdAt: { gte: new Date(previousPassAt.getTime() - 5 * 60_000) },
      },
    });
    const adapter = providers.get(connection.provider).adapter;
    let deleted = 0;
    for (const row of recent.filter((candidate) => !seen.has(candidate.externalEventId))) {
      let gone: boolean;
      try {
        const current = await tokens.withAccessToken(connection.id, (auth) =>
          adapter.getEvent(auth, { calendarId, eventId: row.externalEventId }),
        );
        gone = current.status === 'cancelled';
      } catch (error) {
        if (!isProviderError(error, 'not_found')) throw error;
        gone = true;
      }
      if (gone) {
        await db.$transaction((tx) => markCancelled(tx, row, INBOUND));
        deleted += 1;
      }
    }
    return deleted;
  }

  /**
   * Graph's calendarView never lists a series master, so a deleted series shows up only as its occurrences
   * removed: when a page removed the last live occurrence of a series we hold, ask whether the master is
   * still there and record its deletion if not. (Google reports the master's own deletion; the check then
   * just finds it.)
   */
  async function reconcileSeriesMasters(
    connection: { id: string; provider: string },
    calendarId: string,
    masters: Set<string>,
  ): Promise<number> {
    let deleted = 0;
    for (const masterId of masters) {
      const key = { connectionId: connection.id, externalCalendarId: calendarId, externalEventId: masterId };
      const master = await db.calendarEvent.findUnique({ where: { connectionId_externalCalendarId_externalEventId: key } });
      if (!master || master.status === 'cancelled') continue;
      const live = await db.calendarEvent.count({
        where: { connectionId: connection.id, seriesMasterExternalId: masterId, status: { not: 'cancelled' } },
      });
      if (live > 0) continue;
      const adapter = providers.get(connection.provider).adapter;
      let gone: boolean;
      try {
        const current = await tokens.withAccessToken(connection.id, (auth) => adapter.getEvent(auth, { calendarId, eventId: masterId }));
        gone = current.status === 'cancelled';
      } catch (error) {
        if (!isProviderError(error, 'not_found')) throw error;
        gone = true;
      }
      if (gone) {
        await db.$transaction((tx) => markCancelled(tx, master, INBOUND));
        deleted += 1;
      }
    }
    return deleted;
  }

  /** After a complete full pass: inbound events of the calendar it did not see are gone at the provider. */
  async function reconcileFullPass(connectionId: string, calendarId: string, passStartedAt: Date): Promise<number> {
    const gone = await db.calendarEvent.findMany({
      where: {
        connectionId,
        externalCalendarId: calendarId,
        // Our own meetings leave only through explicit deletions, never by absence from a listing.
        syncDirection: 'inbound',
        status: { not: 'cancelled' },
        lastSyncedAt: { lt: passStartedAt },
      },
    });
    // One transaction per row keeps each cancellation and its history entry together.
    for (const row of gone) await db.$transaction((tx) => markCancelled(tx, row, INBOUND));
    return gone.length;
  }

  async function syncCalendar(
    connection: { id: string; organizationId: string; provider: string },
    calendar: { id: string; externalCalendarId: string; syncCursor: string | null; lastSyncAt?: Date | null },
    totals: PageCounts & { fullResync: boolean },
  ): Promise<void> {
    const adapter = providers.get(connection.provider).adapter;
    let cursor = parseStoredCursor(calendar.syncCursor);
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
      const next: StoredCursor = done
        ? { position: page.next.kind === 'done' ? page.next.cursor : null }
        : { position: page.next.kind === 'page' ? page.next.position : null, fullPassStartedAt: cursor.fullPassStartedAt };
      for (const change of page.changes) seen.add(change.type === 'upsert' ? change.event.externalId : change.externalId);
      const seriesTouched = new Set<string>();
      const counts = await applyChanges(
        connection,
        calendar.externalCalendarId,
        page.changes,
        next,
        calendar.id,
        Boolean(cursor.fullPassStartedAt),
        seriesTouched,
      );
      counts.deleted += await reconcileSeriesMasters(connection, calendar.externalCalendarId, seriesTouched);
      totals.upserted += counts.upserted;
      totals.deleted += counts.deleted;
      totals.unchanged += counts.unchanged;
      pages += 1;
      heartbeat({ calendarId: calendar.externalCalendarId, pages });
      // Cancelled (e.g. the worker is shutting down): stop between pages; the next attempt resumes from the
      // position committed with the last page.
      if (Context.current().cancellationSignal.aborted)
        throw new CancelledFailure('sync interrupted; resumes from the last committed page');
      if (done) {
        totals.deleted += await verifyUnlistedOutbound(connection, calendar.externalCalendarId, seen, previousPassAt);
        if (cursor.fullPassStartedAt) {
          totals.deleted += await reconcileFullPass(connection.id, calendar.externalCalendarId, new Date(cursor.fullPassStartedAt));
        }
        return;
      }
      cursor = next;
    }
  }

  const listUpcomingMeetings = (input: { connectionId: string; horizonMinutes: number }): Promise<UpcomingMeeting[]> =>
    listUpcoming(db, input);

  return {
    async syncConnection(input: { connectionId: string; reminderHorizonMinutes: number }): Promise<SyncResult> {
      const connection = await loadActiveConnection(db, input.connectionId);
      const calendars = await ensureCalendars(deps, connection);
      const totals = { upserted: 0, deleted: 0, unchanged: 0, fullResync: false };
      for (const calendar of calendars.filter((row) => row.syncEnabled)) {
        await syncCalendar(connection, calendar, totals);
      }
      const [syncedEvents, upcoming, refreshed] = await Promise.all([
        db.calendarEvent.count({ where: { connectionId: connection.id, status: { not: 'cancelled' } } }),
        listUpcomingMeetings({ connectionId: connection.id, horizonMinutes: input.reminderHorizonMinutes }),
        db.calendarConnection.findUnique({ where: { id: connection.id }, select: { tokenExpiresAt: true } }),
      ]);
      logger.info({ connectionId: connection.id, ...totals }, 'sync finished');
      return { ...totals, syncedEvents, upcoming, tokenExpiresAt: refreshed?.tokenExpiresAt?.toISOString() };
    },
    listUpcomingMeetings,
  };
}
