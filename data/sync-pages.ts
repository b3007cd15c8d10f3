// Applying a page of provider changes to ce_calendar_events: the whole page in one transaction together
// with the position reached, so a crash replays the last page and never skips one (a replay finds its rows
// and writes nothing new).
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client';
import type { EventChange } from '../domain/events';
import { versionFromRow } from '../domain/merge/event-version';
import { chunksWithoutRepeats, idsToRead, planPage, type PageCounts, type PageStep, type ProviderRowData } from '../domain/sync/page-plan';
import type { SyncPosition } from '../providers/types';
import { updateActivityOf } from './activity-follows-event';
import type { EventRowModel } from './events';
import { changeRecords, type ChangeMeta, type ChangeRecords, type Tx } from './event-versions';
import { stageDeletion } from './held-deletions';
import type { OutboxEntry } from './outbox';
import { insertEvents, insertHistory, insertOutbox, updateEventContents, type EventContentChange } from './bulk-writes';

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

export type { PageCounts } from '../domain/sync/page-plan';

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
 * Applies the page and stores `nextCursor` in one short transaction: per run of the page without repeated
 * events, one read of the rows it touches, the plan (domain/sync/page-plan.ts), then batched writes. Series
 * whose occurrences this page cancelled are added to `seriesTouched` (the caller checks their masters).
 */
export async function applyChangePage(
  db: Db,
  target: PageTarget,
  changes: EventChange[],
  nextCursor: StoredCursor,
  seriesTouched: Set<string>,
): Promise<PageCounts> {
  const counts: PageCounts = { upserted: 0, deleted: 0, staged: 0, unchanged: 0 };
  const now = new Date();
  await db.$transaction(async (tx) => {
    for (const chunk of chunksWithoutRepeats(changes)) {
      const stored = await storedRows(tx, target, idsToRead(chunk));
      const plan = planPage(chunk, stored, { calendarId: target.calendarId, fullPass: target.fullPass, now });
      await writePlan(tx, db.provider, target, plan.steps, now);
      await markEchoed(tx, db.provider, plan.echoed, now);
      for (const key of Object.keys(counts) as Array<keyof PageCounts>) counts[key] += plan.counts[key];
      for (const series of plan.seriesTouched) seriesTouched.add(series);
    }
    await tx.connectionCalendar.update({
      where: { id: target.calendarRowId },
      data: { syncCursor: JSON.stringify(nextCursor), ...(nextCursor.fullPassStartedAt ? {} : { lastSyncAt: now }) },
    });
  });
  return counts;
}

async function storedRows(tx: Tx, target: PageTarget, externalEventIds: string[]): Promise<Map<string, EventRowModel>> {
  const rows = await tx.calendarEvent.findMany({
    where: { connectionId: target.connection.id, externalCalendarId: target.calendarId, externalEventId: { in: externalEventIds } },
  });
  return new Map(rows.map((row) => [row.externalEventId, row]));
}

/**
 * Writes a plan: new rows, history and change-stream rows in one statement each, staged deletions and seen
 * marks in one each; rows whose content changed one by one (each has its own values). The change stream
 * gets the page's changes in page order, an activity's change right after its event's.
 */
async function writePlan(
  tx: Tx,
  provider: Db['provider'],
  target: PageTarget,
  steps: Array<PageStep<EventRowModel>>,
  now: Date,
): Promise<void> {
  const created: EventRowModel[] = [];
  const history: ChangeRecords['history'][] = [];
  const outbox: OutboxEntry[] = [];
  const staged: string[] = [];
  const seen: string[] = [];
  const updated: EventContentChange[] = [];
  // Activities that follow an updated event: their change goes right after the event's in the stream.
  const following: Array<{ saved: EventRowModel; at: number }> = [];
  const record = (records: ChangeRecords | null) => {
    if (!records) return;
    history.push(records.history);
    outbox.push(records.outbox);
  };
  for (const step of steps) {
    switch (step.kind) {
      case 'create': {
        const row = newRow(target, step.externalEventId, step.data, now);
        created.push(row);
        record(changeRecords(row, target.meta, null, versionFromRow(row)));
        break;
      }
      case 'update': {
        // Written below with the page's other updates, in one statement; the row is known without reading it.
        const saved: EventRowModel = { ...step.row, ...step.data, pendingDeletionAt: null, updatedAt: now };
        updated.push({ before: step.row, after: saved });
        const extra = step.row.attendees !== saved.attendees ? { attendees: 'changed' } : {};
        record(changeRecords(saved, target.meta, versionFromRow(step.row), versionFromRow(saved), extra));
        if (saved.activityId) following.push({ saved, at: outbox.length });
        break;
      }
      case 'cancel': {
        const saved = await tx.calendarEvent.update({ where: { id: step.row.id }, data: { status: 'cancelled', lastSyncedAt: now } });
        record(changeRecords(saved, target.meta, versionFromRow(step.row), versionFromRow(saved)));
        await followActivity(tx, saved, outbox);
        break;
      }
      case 'refresh':
        await tx.calendarEvent.update({
          where: { id: step.row.id },
          data: { etag: step.etag, lastSyncedAt: now, pendingDeletionAt: null },
        });
        break;
      case 'stage':
        staged.push(step.row.id);
        break;
      case 'seen':
        seen.push(step.row.id);
        break;
    }
  }
  await updateEventContents(tx, provider, updated);
  for (const { saved, at } of following.reverse()) {
    const entry = await updateActivityOf(tx, saved);
    if (entry) outbox.splice(at, 0, entry);
  }
  await insertEvents(tx, provider, created);
  await insertHistory(
    tx,
    provider,
    history.map((entry) => ({ ...entry, id: randomUUID(), createdAt: now })),
  );
  await insertOutbox(
    tx,
    provider,
    outbox.map((entry) => ({ ...entry, id: randomUUID(), occurredAt: now })),
  );
  // Staged only while live and not staged yet (as read): the plan counted exactly these.
  if (staged.length) await tx.calendarEvent.updateMany({ where: { id: { in: staged } }, data: { pendingDeletionAt: now } });
  if (seen.length) await tx.calendarEvent.updateMany({ where: { id: { in: seen } }, data: { lastSyncedAt: now } });
}

/**
 * Our own writes a listing returned: their deletion will be listed too, so no pass asks the provider for them
 * again. Bookkeeping, not content: the rows' updated_at stays (Prisma's update would set it).
 */
async function markEchoed(tx: Tx, provider: Db['provider'], rows: EventRowModel[], now: Date): Promise<void> {
  await updateEventContents(
    tx,
    provider,
    rows.map((row) => ({ before: row, after: { ...row, echoedAt: now } })),
  );
}

async function followActivity(tx: Tx, saved: EventRowModel, outbox: OutboxEntry[]): Promise<void> {
  if (!saved.activityId) return;
  const entry = await updateActivityOf(tx, saved);
  if (entry) outbox.push(entry);
}

/** The row a create writes, complete, so its change can be recorded without reading it back. */
function newRow(target: PageTarget, externalEventId: string, data: ProviderRowData, now: Date): EventRowModel {
  return {
    id: randomUUID(),
    organizationId: target.connection.organizationId,
    connectionId: target.connection.id,
    externalCalendarId: target.calendarId,
    externalEventId,
    syncDirection: 'inbound',
    activityId: null,
    requestId: null,
    pendingDeletionAt: null,
    echoedAt: null,
    createdAt: now,
    updatedAt: now,
    ...data,
  };
}

/**
 * Our own meetings on the calendar created since `since`, not cancelled and never returned by a listing (checked when
 * a pass missed them: once listed, a listing reports their deletion too).
 */
export function recentOutboundEvents(db: Db, connectionId: string, calendarId: string, since: Date): Promise<EventRowModel[]> {
  return db.calendarEvent.findMany({
    where: {
      connectionId,
      externalCalendarId: calendarId,
      syncDirection: 'outbound',
      // Every outbound row carries its request id (data/meetings.ts, data/series.ts) and no inbound one does:
      // said here, the (connection, request id) index finds them without reading the calendar's other rows.
      requestId: { not: null },
      status: { not: 'cancelled' },
      echoedAt: null,
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
