// Reading a connection and its calendars, shared by the connection activities.
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../../db/client';
import { notFoundFailure } from '../failures';
import type { CalendarInfo } from '../../providers/types';
import { ConnectionGoneError } from '../../services/token-service';
import type { ConnectionActivityDeps } from './dependencies';

export async function loadActiveConnection(db: Db, connectionId: string) {
  const connection = await db.calendarConnection.findUnique({ where: { id: connectionId } });
  if (!connection || connection.status === 'disconnected') throw new ConnectionGoneError(connectionId);
  return connection;
}

/** An event of the connection that is not cancelled, else a not-found failure naming `what`. */
export async function liveEventRow(db: Db, connectionId: string, eventId: string, what = 'Event') {
  const row = await db.calendarEvent.findFirst({ where: { id: eventId, connectionId } });
  if (!row || row.status === 'cancelled') throw notFoundFailure(what);
  return row;
}

/** CRM-side writes go only to calendars the connection writes to (its write target or primary calendar). */
export async function requireWritableCalendar(db: Db, connectionId: string, externalCalendarId: string): Promise<void> {
  const calendar = await db.connectionCalendar.findUnique({
    where: { connectionId_externalCalendarId: { connectionId, externalCalendarId } },
  });
  if (!calendar || !(calendar.isWriteTarget || calendar.isPrimary)) {
    throw ApplicationFailure.create({
      type: 'read_only_calendar',
      message: 'The connection does not write to this calendar',
      nonRetryable: true,
    });
  }
}

/**
 * The connection's calendars, discovered from the provider on first use: the primary calendar is read and
 * receives scheduled meetings; the others are listed for the owner to opt in.
 */
export async function ensureCalendars(
  deps: Pick<ConnectionActivityDeps, 'db' | 'providers' | 'tokens'>,
  connection: { id: string; provider: string },
) {
  const { db, providers, tokens } = deps;
  const known = await db.connectionCalendar.findMany({ where: { connectionId: connection.id }, orderBy: { createdAt: 'asc' } });
  if (known.length > 0) return known;
  const adapter = providers.get(connection.provider).adapter;
  const calendars = await tokens.withAccessToken(connection.id, (auth) => adapter.listCalendars(auth));
  const primary = calendars.find((calendar) => calendar.isPrimary) ?? calendars[0];
  for (const calendar of calendars) {
    const isPrimary = calendar === primary;
    await addCalendarRow(db, connection.id, calendar, { isPrimary, syncEnabled: isPrimary, isWriteTarget: isPrimary && calendar.canWrite });
  }
  return db.connectionCalendar.findMany({ where: { connectionId: connection.id }, orderBy: { createdAt: 'asc' } });
}

/** Adds a calendar the provider listed (a row that already exists keeps the owner's choices). */
async function addCalendarRow(
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

/** The calendar that receives meetings scheduled from the CRM. */
export async function writeTargetCalendar(
  deps: Pick<ConnectionActivityDeps, 'db' | 'providers' | 'tokens'>,
  connection: { id: string; provider: string },
) {
  const calendars = await ensureCalendars(deps, connection);
  const target = calendars.find((calendar) => calendar.isWriteTarget) ?? calendars.find((calendar) => calendar.isPrimary);
  if (!target) throw new Error(`connection ${connection.id} has no calendar to write to`);
  return target;
}

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

/**
 * Re-reads the account's calendars from the provider and upserts their rows, keeping the owner's choices.
 * Calendars new at the provider start unselected; calendars gone at the provider stop syncing and are
 * left out of the answer (their rows and events stay, as for any deselected calendar).
 */
export async function refreshCalendars(
  deps: Pick<ConnectionActivityDeps, 'db' | 'providers' | 'tokens'>,
  connection: { id: string; provider: string },
): Promise<CalendarChoice[]> {
  const { db, providers, tokens } = deps;
  const known = await ensureCalendars(deps, connection);
  const adapter = providers.get(connection.provider).adapter;
  const listed = await tokens.withAccessToken(connection.id, (auth) => adapter.listCalendars(auth));
  const listedIds = new Set(listed.map((calendar) => calendar.externalId));
  const byExternalId = new Map(known.map((row) => [row.externalCalendarId, row]));
  for (const calendar of listed) {
    const row = byExternalId.get(calendar.externalId);
    if (!row) {
      await addCalendarRow(db, connection.id, calendar, { isPrimary: calendar.isPrimary, syncEnabled: false, isWriteTarget: false });
    } else if (row.name !== calendar.name || row.timeZone !== (calendar.timeZone ?? null)) {
      // Written only when changed: updated_at feeds the iCal feeds' Last-Modified.
      await db.connectionCalendar.update({ where: { id: row.id }, data: { name: calendar.name, timeZone: calendar.timeZone ?? null } });
    }
  }
  const gone = known.filter((row) => !listedIds.has(row.externalCalendarId) && (row.syncEnabled || row.isWriteTarget));
  if (gone.length) {
    await db.connectionCalendar.updateMany({
      where: { id: { in: gone.map((row) => row.id) } },
      data: { syncEnabled: false, isWriteTarget: false },
    });
  }
  const rows = await db.connectionCalendar.findMany({ where: { connectionId: connection.id }, orderBy: { createdAt: 'asc' } });
  const canWrite = new Map(listed.map((calendar) => [calendar.externalId, calendar.canWrite]));
  return rows
    .filter((row) => listedIds.has(row.externalCalendarId))
    .map((row) => choiceOf(row, canWrite.get(row.externalCalendarId) ?? null));
}

export function choiceOf(
  row: {
    externalCalendarId: string;
    name: string;
    timeZone: string | null;
    isPrimary: boolean;
    syncEnabled: boolean;
    isWriteTarget: boolean;
  },
  canWrite: boolean | null,
): CalendarChoice {
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
