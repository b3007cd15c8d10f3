// Deletions a sync found at the provider are staged on their rows (pending_deletion_at) and applied once the
// pass is complete, unless the mass-delete breaker holds them (the calendar row's deletion_hold_*): then they
// wait for an operator to confirm (applied) or dismiss (the rows stay). A staged event that comes back in a
// later listing simply loses its mark.
import type { Db } from '../db/client';
import type { MassDeleteVerdict } from '../domain/mass-delete';
import { markCancelled, type ChangeMeta, type Tx } from './event-versions';
import type { CalendarRow } from './calendars';
import type { EventRowModel } from './events';

type CalendarKey = { connectionId: string; externalCalendarId: string };

/** Marks a live row as deleted at the provider, to be applied when its pass settles. */
export async function stageDeletion(tx: Tx, row: EventRowModel, now = new Date()): Promise<boolean> {
  if (row.status === 'cancelled' || row.pendingDeletionAt) return false;
  await tx.calendarEvent.update({ where: { id: row.id }, data: { pendingDeletionAt: now } });
  return true;
}

const live = (key: CalendarKey) => ({
  connectionId: key.connectionId,
  externalCalendarId: key.externalCalendarId,
  status: { not: 'cancelled' },
});

/** Staged deletions of one calendar (the (connection, pending) index finds them without reading the others). */
export function pendingDeletionCount(db: Db, key: CalendarKey): Promise<number> {
  return db.calendarEvent.count({ where: { ...live(key), pendingDeletionAt: { not: null } } });
}

/** Live rows of one calendar, staged ones included (reads every row of the calendar: ask only when needed). */
export function liveEventCount(db: Db, key: CalendarKey): Promise<number> {
  return db.calendarEvent.count({ where: live(key) });
}

/** Applies every staged deletion of the calendar (one transaction per row: a row and its history entry). */
export async function applyStagedDeletions(db: Db, key: CalendarKey, meta: ChangeMeta): Promise<number> {
  const rows = await db.calendarEvent.findMany({
    where: { ...key, status: { not: 'cancelled' }, pendingDeletionAt: { not: null } },
  });
  for (const row of rows) {
    await db.$transaction(async (tx) => {
      await markCancelled(tx, row, meta);
      await tx.calendarEvent.update({ where: { id: row.id }, data: { pendingDeletionAt: null } });
    });
  }
  return rows.length;
}

/** Forgets the staged deletions: the rows stay as they are. */
export async function discardStagedDeletions(db: Db, key: CalendarKey): Promise<number> {
  const { count } = await db.calendarEvent.updateMany({
    where: { ...key, pendingDeletionAt: { not: null } },
    data: { pendingDeletionAt: null },
  });
  return count;
}

/** The breaker tripped: the calendar holds its deletions (the first trip's time is kept). */
export async function holdDeletions(db: Db, calendarRowId: string, verdict: Extract<MassDeleteVerdict, { hold: true }>): Promise<void> {
  const row = await db.connectionCalendar.findUniqueOrThrow({ where: { id: calendarRowId } });
  await db.connectionCalendar.update({
    where: { id: calendarRowId },
    data: { deletionHoldAt: row.deletionHoldAt ?? new Date(), deletionHoldReason: verdict.reason, deletionHoldStored: verdict.stored },
  });
}

export async function releaseHold(db: Db, calendarRowId: string): Promise<void> {
  await db.connectionCalendar.update({
    where: { id: calendarRowId },
    data: { deletionHoldAt: null, deletionHoldReason: null, deletionHoldStored: null },
  });
}

export interface HeldDeletions {
  calendarId: string;
  name: string;
  /** Deletions waiting for an operator. */
  pending: number;
  /** Live events of the calendar when the breaker tripped. */
  stored: number;
  reason: string;
  since: string;
}

/** The calendars of a connection whose deletions the breaker holds, with their numbers. */
export async function heldDeletionsOf(db: Db, connectionId: string): Promise<HeldDeletions[]> {
  const held = await db.connectionCalendar.findMany({ where: { connectionId, deletionHoldAt: { not: null } } });
  return heldDeletionsIn(db, connectionId, held);
}

/** The same from calendar rows already read (those without a hold are skipped). */
export async function heldDeletionsIn(db: Db, connectionId: string, calendars: CalendarRow[]): Promise<HeldDeletions[]> {
  const held: HeldDeletions[] = [];
  for (const calendar of calendars) {
    if (!calendar.deletionHoldAt) continue;
    const pending = await pendingDeletionCount(db, { connectionId, externalCalendarId: calendar.externalCalendarId });
    held.push({
      calendarId: calendar.externalCalendarId,
      name: calendar.name,
      pending,
      stored: calendar.deletionHoldStored ?? 0,
      reason: calendar.deletionHoldReason ?? 'share',
      since: calendar.deletionHoldAt!.toISOString(),
    });
  }
  return held;
}
