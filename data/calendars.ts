// The calendars of a connected account as stored (ce_calendar_connection_calendars): which ones sync, which
// one receives meetings, and each one's sync cursor.
import type { Db } from '../db/client';
import { Failure } from '../domain/failures';
import type { CalendarInfo } from '../providers/types';

export type CalendarRow = Awaited<ReturnType<Db['connectionCalendar']['findMany']>>[number];

export interface CalendarChoice {
  externalCalendarId: string;
  name: string;
  timeZone: string | null;
  isPrimary: boolean;
  /** From the provider's listing; null when the provider could not be asked. */
  canWrite: boolean | null;
  syncEnabled: boolean;
  isWriteTarget: boolean;
}

export function calendarRows(db: Db, connectionId: string): Promise<CalendarRow[]> {
  return db.connectionCalendar.findMany({ where: { connectionId }, orderBy: { createdAt: 'asc' } });
}

/** Adds a calendar the provider listed (a row that already exists keeps the owner's choices). */
export async function addCalendarRow(
  db: Db,
  connectionId: string,
  calendar: CalendarInfo,
  choice: { isPrimary: boolean; syncEnabled: boolean; isWriteTarget: boolean },
): Promise<void> {
  await db.connectionCalendar.upsert({
    where: { connectionId_externalCalendarId: { connectionId, externalCalendarId: calendar.externalId } },
    create: { connectionId, externalCalendarId: calendar.externalId, name: calendar.name, timeZone: calendar.timeZone ?? null, ...choice },
    update: {},
  });
}

/** Name and zone as the provider lists them now; written only when changed (updated_at feeds iCal's Last-Modified). */
export async function refreshCalendarDetails(db: Db, row: CalendarRow, calendar: CalendarInfo): Promise<void> {
  if (row.name === calendar.name && row.timeZone === (calendar.timeZone ?? null) && !row.removedAt) return;
  // Listed again after it was removed (shared again): it can be selected again like any other calendar.
  await db.connectionCalendar.update({
    where: { id: row.id },
    data: { name: calendar.name, timeZone: calendar.timeZone ?? null, removedAt: null, removedReason: null },
  });
}

/** Calendars gone at the provider stop syncing and receiving meetings; their rows and events stay. */
export async function stopUsingCalendars(db: Db, rowIds: string[]): Promise<void> {
  if (rowIds.length === 0) return;
  await db.connectionCalendar.updateMany({ where: { id: { in: rowIds } }, data: { syncEnabled: false, isWriteTarget: false } });
}

export function choiceOf(row: CalendarRow, canWrite: boolean | null): CalendarChoice {
  return {
    externalCalendarId: row.externalCalendarId,
    name: row.name,
    timeZone: row.timeZone,
    isPrimary: row.isPrimary,
    canWrite,
    syncEnabled: row.syncEnabled,
    isWriteTarget: row.isWriteTarget,
  };
}

/**
 * Stores the owner's selection in one transaction: exactly the listed calendars sync, and the write target
 * (when given) is the only one; otherwise the current target stays (by default the primary calendar).
 */
export async function saveCalendarSelection(
  db: Db,
  connectionId: string,
  selection: { sync?: string[]; writeTarget?: string },
): Promise<void> {
  await db.$transaction(async (tx) => {
    if (selection.sync) {
      const sync = selection.sync;
      await tx.connectionCalendar.updateMany({
        where: { connectionId, externalCalendarId: { in: sync }, syncEnabled: false },
        data: { syncEnabled: true },
      });
      await tx.connectionCalendar.updateMany({
        where: { connectionId, externalCalendarId: { notIn: sync }, syncEnabled: true },
        data: { syncEnabled: false },
      });
    }
    if (selection.writeTarget) {
      await tx.connectionCalendar.updateMany({
        where: { connectionId, isWriteTarget: true, externalCalendarId: { not: selection.writeTarget } },
        data: { isWriteTarget: false },
      });
      await tx.connectionCalendar.updateMany({
        where: { connectionId, externalCalendarId: selection.writeTarget },
        data: { isWriteTarget: true },
      });
    }
  });
}

/** External ids of the calendars the owner selected for sync. */
export async function syncedCalendarIds(db: Db, connectionId: string): Promise<string[]> {
  const rows = await db.connectionCalendar.findMany({ where: { connectionId, syncEnabled: true }, select: { externalCalendarId: true } });
  return rows.map((row) => row.externalCalendarId);
}

/** CRM-side writes go only to calendars the connection writes to (its write target or primary calendar). */
export async function requireWritableCalendar(db: Db, connectionId: string, externalCalendarId: string): Promise<void> {
  const calendar = await db.connectionCalendar.findUnique({
    where: { connectionId_externalCalendarId: { connectionId, externalCalendarId } },
  });
  if (!calendar || !(calendar.isWriteTarget || calendar.isPrimary)) {
    throw new Failure('read_only_calendar', 'The connection does not write to this calendar');
  }
}

/** The calendar's own last sync failed (the connection's other calendars went on); null clears it. */
export async function recordCalendarError(db: Db, rowId: string, code: string | null): Promise<void> {
  await db.connectionCalendar.update({
    where: { id: rowId },
    data: code ? { syncErrorCode: code, syncErrorAt: new Date() } : { syncErrorCode: null, syncErrorAt: null },
  });
}

/**
 * A calendar gone at the provider (deleted, or no longer shared with the account): dropped from the selection
 * with the reason, its cursor forgotten; when it received meetings, the primary calendar does now.
 */
export async function markCalendarRemoved(db: Db, row: CalendarRow, reason: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.connectionCalendar.update({
      where: { id: row.id },
      data: {
        syncEnabled: false,
        isWriteTarget: false,
        syncCursor: null,
        removedAt: new Date(),
        removedReason: reason,
        syncErrorCode: null,
        syncErrorAt: null,
        deletionHoldAt: null,
        deletionHoldReason: null,
        deletionHoldStored: null,
      },
    });
    if (row.isWriteTarget) {
      await tx.connectionCalendar.updateMany({
        where: { connectionId: row.connectionId, isPrimary: true, removedAt: null },
        data: { isWriteTarget: true },
      });
    }
  });
}

export interface CalendarIssue {
  calendarId: string;
  name: string;
  /** A failure code (permission_denied, not_found, ...) or, for a removed calendar, why it was removed. */
  code: string;
  at: string;
  /** The calendar is gone at the provider and no longer synced. */
  removed: boolean;
}

/**
 * The connection's calendars with something to report, in one read: a failed sync, a removal at the provider,
 * or deletions held by the mass-delete breaker (calendarIssuesIn, heldDeletionsIn).
 */
export function flaggedCalendarsOf(db: Db, connectionId: string): Promise<CalendarRow[]> {
  return db.connectionCalendar.findMany({
    where: { connectionId, OR: [{ syncErrorCode: { not: null } }, { removedAt: { not: null } }, { deletionHoldAt: { not: null } }] },
    orderBy: { createdAt: 'asc' },
  });
}

/** Of those calendars, the ones whose own sync failed last time, and those removed at the provider. */
export function calendarIssuesIn(calendars: CalendarRow[]): CalendarIssue[] {
  const rows = calendars.filter((row) => row.removedAt || row.syncErrorCode);
  return rows.map((row) =>
    row.removedAt
      ? {
          calendarId: row.externalCalendarId,
          name: row.name,
          code: row.removedReason ?? 'removed',
          at: row.removedAt.toISOString(),
          removed: true,
        }
      : {
          calendarId: row.externalCalendarId,
          name: row.name,
          code: row.syncErrorCode!,
          at: row.syncErrorAt!.toISOString(),
          removed: false,
        },
  );
}
