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
  if (row.name === calendar.name && row.timeZone === (calendar.timeZone ?? null)) return;
  await db.connectionCalendar.update({ where: { id: row.id }, data: { name: calendar.name, timeZone: calendar.timeZone ?? null } });
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
