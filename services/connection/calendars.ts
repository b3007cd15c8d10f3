// The calendars of a connected account: discovered from the provider on first use (the primary calendar
// syncs and receives meetings; the others are listed for the owner to opt in), refreshed when the owner
// looks at them, and the owner's selection, validated against the provider's current list.
import {
  addCalendarRow,
  calendarRows,
  choiceOf,
  refreshCalendarDetails,
  stopUsingCalendars,
  type CalendarChoice,
  type CalendarRow,
} from '../../data/calendars';
import { isFailure } from '../../domain/failures';
import type { ServiceDependencies } from '../dependencies';

type Deps = Pick<ServiceDependencies, 'db' | 'providers' | 'tokens'>;
type Connection = { id: string; provider: string };

export interface CalendarList {
  calendars: CalendarChoice[];
  /** false: the provider could not be asked just now; the stored list is shown. */
  refreshed: boolean;
}

export async function ensureCalendars(deps: Deps, connection: Connection): Promise<CalendarRow[]> {
  const { db, providers, tokens } = deps;
  const known = await calendarRows(db, connection.id);
  if (known.length > 0) return known;
  const adapter = providers.get(connection.provider).adapter;
  const calendars = await tokens.withAccessToken(connection.id, (auth) => adapter.listCalendars(auth));
  const primary = calendars.find((calendar) => calendar.isPrimary) ?? calendars[0];
  for (const calendar of calendars) {
    const isPrimary = calendar === primary;
    await addCalendarRow(db, connection.id, calendar, { isPrimary, syncEnabled: isPrimary, isWriteTarget: isPrimary && calendar.canWrite });
  }
  return calendarRows(db, connection.id);
}

/** The calendar that receives meetings scheduled from the CRM. */
export async function writeTargetCalendar(deps: Deps, connection: Connection): Promise<CalendarRow> {
  const calendars = await ensureCalendars(deps, connection);
  const target = calendars.find((calendar) => calendar.isWriteTarget) ?? calendars.find((calendar) => calendar.isPrimary);
  if (!target) throw new Error(`connection ${connection.id} has no calendar to write to`);
  return target;
}

/**
 * Re-reads the account's calendars from the provider and upserts their rows, keeping the owner's choices.
 * Calendars new at the provider start unselected; calendars gone at the provider stop syncing and are
 * left out of the answer (their rows and events stay, as for any deselected calendar).
 */
export async function refreshCalendars(deps: Deps, connection: Connection): Promise<CalendarChoice[]> {
  const { db, providers, tokens } = deps;
  const known = await ensureCalendars(deps, connection);
  const adapter = providers.get(connection.provider).adapter;
  const listed = await tokens.withAccessToken(connection.id, (auth) => adapter.listCalendars(auth));
  const listedIds = new Set(listed.map((calendar) => calendar.externalId));
  const byExternalId = new Map(known.map((row) => [row.externalCalendarId, row]));
  for (const calendar of listed) {
    const row = byExternalId.get(calendar.externalId);
    if (!row)
      await addCalendarRow(db, connection.id, calendar, { isPrimary: calendar.isPrimary, syncEnabled: false, isWriteTarget: false });
    else await refreshCalendarDetails(db, row, calendar);
  }
  const gone = known.filter((row) => !listedIds.has(row.externalCalendarId) && (row.syncEnabled || row.isWriteTarget));
  await stopUsingCalendars(
    db,
    gone.map((row) => row.id),
  );
  const rows = await calendarRows(db, connection.id);
  const canWrite = new Map(listed.map((calendar) => [calendar.externalId, calendar.canWrite]));
  return rows
    .filter((row) => listedIds.has(row.externalCalendarId))
    .map((row) => choiceOf(row, canWrite.get(row.externalCalendarId) ?? null));
}

/** The calendars freshly listed; when the provider cannot be asked, the stored rows (refreshed: false). */
export async function listCalendars(deps: Deps, connection: Connection, options: { askProvider: boolean }): Promise<CalendarList> {
  if (options.askProvider) {
    try {
      return { calendars: await refreshCalendars(deps, connection), refreshed: true };
    } catch (error) {
      if (!isFailure(error) || isFailure(error, 'connection_gone')) throw error;
    }
  }
  const stored = await calendarRows(deps.db, connection.id);
  return { calendars: stored.map((row) => choiceOf(row, null)), refreshed: false };
}
