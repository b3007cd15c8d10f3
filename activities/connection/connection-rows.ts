// Reading a connection and its calendars, shared by the connection activities.
import type { Db } from '../../db/client';
import { ConnectionGoneError } from '../../services/token-service';
import type { ConnectionActivityDeps } from './dependencies';

export async function loadActiveConnection(db: Db, connectionId: string) {
  const connection = await db.calendarConnection.findUnique({ where: { id: connectionId } });
  if (!connection || connection.status === 'disconnected') throw new ConnectionGoneError(connectionId);
  return connection;
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
    await db.connectionCalendar.upsert({
      where: { connectionId_externalCalendarId: { connectionId: connection.id, externalCalendarId: calendar.externalId } },
      create: {
        connectionId: connection.id,
        externalCalendarId: calendar.externalId,
        name: calendar.name,
        timeZone: calendar.timeZone ?? null,
        isPrimary,
        syncEnabled: isPrimary,
        isWriteTarget: isPrimary && calendar.canWrite,
      },
      update: {},
    });
  }
  return db.connectionCalendar.findMany({ where: { connectionId: connection.id }, orderBy: { createdAt: 'asc' } });
}

/** The calendar that receives meetings scheduled from the CRM. */
export async function writeTargetCalendar(deps: Pick<ConnectionActivityDeps, 'db' | 'providers' | 'tokens'>, connection: { id: string; provider: string }) {
  const calendars = await ensureCalendars(deps, connection);
  const target = calendars.find((calendar) => calendar.isWriteTarget) ?? calendars.find((calendar) => calendar.isPrimary);
  if (!target) throw new Error(`connection ${connection.id} has no calendar to write to`);
  return target;
}
