// A synced calendar that answers 404 (Graph ErrorItemNotFound, Google notFound) may be gone at the provider
// (deleted, or no longer shared with the account). The account's calendar list decides: when the calendar
// is not in it, it is dropped from the selection with the reason and its events are marked gone; the
// connection's other calendars keep syncing. (Before, every later sync failed with a non-retryable not_found
// until the owner re-selected calendars by hand.)
import { markCalendarRemoved, type CalendarRow } from '../../../data/calendars';
import { INBOUND, markCancelled } from '../../../data/event-versions';
import { liveRowsOfCalendar } from '../../../data/events';
import type { ServiceDependencies } from '../../dependencies';

type Deps = Pick<ServiceDependencies, 'db' | 'providers' | 'tokens' | 'logger'>;
type Connection = { id: string; provider: string };

export const REMOVED_AT_PROVIDER = 'deleted_or_unshared_at_provider';

/** Whether the account's calendar list still has the calendar. */
export async function stillListed(deps: Deps, connection: Connection, calendar: CalendarRow): Promise<boolean> {
  const adapter = deps.providers.get(connection.provider).adapter;
  const listed = await deps.tokens.withAccessToken(connection.id, (auth) => adapter.listCalendars(auth));
  return listed.some((entry) => entry.externalId === calendar.externalCalendarId);
}

/** Drops the calendar from the selection and marks its events gone; returns how many were marked. */
export async function dropCalendarGoneAtProvider(deps: Deps, connection: Connection, calendar: CalendarRow): Promise<number> {
  await markCalendarRemoved(deps.db, calendar, REMOVED_AT_PROVIDER);
  const rows = await liveRowsOfCalendar(deps.db, connection.id, calendar.externalCalendarId);
  for (const row of rows) {
    await deps.db.$transaction(async (tx) => {
      await markCancelled(tx, row, INBOUND);
      if (row.pendingDeletionAt) await tx.calendarEvent.update({ where: { id: row.id }, data: { pendingDeletionAt: null } });
    });
  }
  deps.logger.warn(
    { connectionId: connection.id, events: rows.length },
    'synced calendar gone at the provider: dropped from the selection',
  );
  return rows.length;
}
