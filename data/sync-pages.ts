// Applying a page of provider changes to ce_calendar_events: the whole page in one transaction together
// with the position reached, so a crash replays the last page and never skips one.
import type { Db } from '../db/client';
import type { EventChange, EventTime, ProviderEvent } from '../domain/events';
import { versionFromRow } from '../domain/merge/event-version';
import type { SyncPosition } from '../providers/types';
import type { EventRowModel } from './events';
import { applyProviderVersion, markCancelled, recordChange, rowDataFromProvider, type ChangeMeta, type Tx } from './event-versions';
import { stageDeletion } from './held-deletions';

/** What ce_calendar_connection_calendars.sync_cursor holds: the provider position plus our pass state. */
export interface StoredCursor {
  position: SyncPosition | null;
  /** Set while a full pass is under way: when it started (for reconciliation at its end). */
  fullPassStartedAt?: string;
}

export function parseStoredCursor(value: string | null): StoredCursor {
  if (!value) return { position: null, fullPassStartedAt: undefined };
  return JSON.parse(value) as StoredCursor;
}

export interface PageCounts {
  upserted: number;
  /** Rows cancelled at once (cancelled occurrences of a series, events excluded by the type policy). */
  deleted: number;
  /** Rows found deleted at the provider, staged: applied when the pass settles (data/held-deletions.ts). */
  staged: number;
  unchanged: number;
}

export interface PageTarget {
  connection: { id: string; organizationId: string };
  calendarId: string;
  calendarRowId: string;
  /** A full pass marks what it saw, so its end can tell which events the provider no longer has. */
  fullPass: boolean;
  /** How the changes are recorded in the history (sync: INBOUND; the daily reconciliation: RECONCILED). */
  meta: ChangeMeta;
}

/**
 * Applies the page and stores `nextCursor` in one transaction. Series whose occurrences this page cancelled
 * are added to `seriesTouched` (the caller checks whether their master still exists).
 */
export async function applyChangePage(
  db: Db,
  target: PageTarget,
  changes: EventChange[],
  nextCursor: StoredCursor,
  seriesTouched: Set<string>,
): Promise<PageCounts> {
  const { connection, calendarId } = target;
  const counts: PageCounts = { upserted: 0, deleted: 0, staged: 0, unchanged: 0 };
  const now = new Date();
  await db.$transaction(async (tx) => {
    const seenUnchanged: string[] = [];
    for (const change of changes) {
      const externalEventId = change.type === 'upsert' ? change.event.externalId : change.externalId;
      const existing = await tx.calendarEvent.findUnique({
        where: {
          connectionId_externalCalendarId_externalEventId: { connectionId: connection.id, externalCalendarId: calendarId, externalEventId },
        },
      });
      if (change.type === 'delete') {
        // A cancelled occurrence of a series we hold, never stored as its own event: keep it as a
        // cancelled exception, so the series' state (which occurrences are gone) is known here too.
        if (!existing && change.reason === 'deleted' && change.seriesMasterId && change.originalStart) {
          if (await recordCancelledOccurrence(tx, target, change, now)) {
            counts.deleted += 1;
            continue;
          }
        }
        // "Left the window" is not a deletion: the event still exists at the provider.
        if (change.reason === 'left_window' || !existing || existing.status === 'cancelled') {
          counts.unchanged += 1;
          continue;
        }
        // Not synced by policy (birthdays, working locations): gone from the CRM's copy at once.
        if (change.reason === 'excluded') {
          await markCancelled(tx, existing, target.meta, now);
          counts.deleted += 1;
          continue;
        }
        // Deleted at the provider: staged, applied when the pass settles unless the breaker holds it.
        if (await stageDeletion(tx, existing, now)) counts.staged += 1;
        if (existing.seriesMasterExternalId) seriesTouched.add(existing.seriesMasterExternalId);
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
        await recordChange(tx, created, target.meta, null, versionFromRow(created));
        counts.upserted += 1;
      } else if (existing.contentHash === data.contentHash) {
        // Same content (e.g. our own write coming back): write nothing, or only the new version tag. A row
        // staged for deletion that is listed again is not deleted after all.
        if (existing.etag !== change.event.version || existing.pendingDeletionAt) {
          await tx.calendarEvent.update({
            where: { id: existing.id },
            data: { etag: change.event.version, lastSyncedAt: now, pendingDeletionAt: null },
          });
        } else if (target.fullPass) {
          seenUnchanged.push(existing.id);
        }
        counts.unchanged += 1;
      } else {
        const saved = await applyProviderVersion(tx, existing, change.event, target.meta, now);
        if (saved.pendingDeletionAt) await tx.calendarEvent.update({ where: { id: existing.id }, data: { pendingDeletionAt: null } });
        counts.upserted += 1;
      }
    }
    if (seenUnchanged.length) {
      await tx.calendarEvent.updateMany({ where: { id: { in: seenUnchanged } }, data: { lastSyncedAt: now } });
    }
    await tx.connectionCalendar.update({
      where: { id: target.calendarRowId },
      data: { syncCursor: JSON.stringify(nextCursor), ...(nextCursor.fullPassStartedAt ? {} : { lastSyncAt: now }) },
    });
  });
  return counts;
}

/** Stores a cancelled occurrence of a series we hold as a cancelled exception; false when the series is unknown. */
async function recordCancelledOccurrence(
  tx: Tx,
  target: PageTarget,
  change: Extract<EventChange, { type: 'delete' }>,
  now: Date,
): Promise<boolean> {
  const { connection, calendarId } = target;
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
  await recordChange(tx, created, target.meta, null, versionFromRow(created));
  return true;
}

/** Our own meetings on the calendar created since `since` and not cancelled (checked when a pass missed them). */
export function recentOutboundEvents(db: Db, connectionId: string, calendarId: string, since: Date): Promise<EventRowModel[]> {
  return db.calendarEvent.findMany({
    where: {
      connectionId,
      externalCalendarId: calendarId,
      syncDirection: 'outbound',
      status: { not: 'cancelled' },
      createdAt: { gte: since },
    },
  });
}

/** A series master we hold that has no live occurrence left (null otherwise): its deletion needs checking. */
export async function masterWithoutLiveOccurrences(db: Db, connectionId: string, calendarId: string, masterId: string) {
  const master = await db.calendarEvent.findUnique({
    where: { connectionId_externalCalendarId_externalEventId: { connectionId, externalCalendarId: calendarId, externalEventId: masterId } },
  });
  if (!master || master.status === 'cancelled' || master.pendingDeletionAt) return null;
  const live = await db.calendarEvent.count({
    where: { connectionId, seriesMasterExternalId: masterId, status: { not: 'cancelled' }, pendingDeletionAt: null },
  });
  return live > 0 ? null : master;
}

/**
 * After a complete full pass: inbound events of the calendar it did not see are gone at the provider. They
 * are staged like any deletion (the pass settles them, and the breaker may hold them).
 */
export async function stageUnseenSince(db: Db, connectionId: string, calendarId: string, passStartedAt: Date): Promise<number> {
  const { count } = await db.calendarEvent.updateMany({
    where: {
      connectionId,
      externalCalendarId: calendarId,
      // Our own meetings leave only through explicit deletions, never by absence from a listing.
      syncDirection: 'inbound',
      status: { not: 'cancelled' },
      pendingDeletionAt: null,
      lastSyncedAt: { lt: passStartedAt },
    },
    data: { pendingDeletionAt: new Date() },
  });
  return count;
}

/** A deletion the provider confirmed (a lookup answered not found / cancelled), staged with the others. */
export async function stageDeletedAtProvider(db: Db, row: EventRowModel): Promise<boolean> {
  return stageDeletion(db, row);
}
