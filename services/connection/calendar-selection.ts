// The owner's choice among the account's calendars: which ones sync (and so are read by free/busy and the
// feeds) and which one receives meetings, checked against the provider's current list.
import { calendarRows, choiceOf, saveCalendarSelection } from '../../data/calendars';
import { Failure, type FieldProblem } from '../../domain/failures';
import type { CalendarSelection } from '../../domain/calendar-selection';
import type { ServiceDependencies } from '../dependencies';
import { refreshCalendars, type CalendarList } from './calendars';
import { stopDeselectedPushChannels } from './push-channels';

type Deps = Pick<ServiceDependencies, 'db' | 'providers' | 'tokens' | 'logger'>;
type Connection = { id: string; provider: string };

/**
 * Stores the owner's selection after checking it against the provider's current list (also the only source
 * of "writable"), then stops the push channels of deselected calendars. A calendar that is not the
 * account's, or a read-only write target, fails with invalid_request naming the field.
 */
export async function selectCalendars(deps: Deps, connection: Connection, selection: CalendarSelection): Promise<CalendarList> {
  const { db, logger } = deps;
  const calendars = await refreshCalendars(deps, connection);
  const byId = new Map(calendars.map((calendar) => [calendar.externalCalendarId, calendar]));
  const sync = selection.sync ? [...new Set(selection.sync)] : undefined;
  const problems: FieldProblem[] = (sync ?? []).flatMap((id, index) =>
    byId.has(id) ? [] : [{ field: `sync.${index}`, message: 'not a calendar of this account' }],
  );
  if (selection.writeTarget !== undefined) {
    const target = byId.get(selection.writeTarget);
    if (!target) problems.push({ field: 'writeTarget', message: 'not a calendar of this account' });
    else if (target.canWrite !== true) problems.push({ field: 'writeTarget', message: 'the calendar is read-only' });
  }
  if (problems.length) throw new Failure('invalid_request', `${problems[0]!.field}: ${problems[0]!.message}`, { fields: problems });

  await saveCalendarSelection(db, connection.id, {
    ...(sync ? { sync } : {}),
    ...(selection.writeTarget ? { writeTarget: selection.writeTarget } : {}),
  });
  // Channels of deselected calendars stop now; a failure here is retried by the workflow's next renewal.
  await stopDeselectedPushChannels(deps, connection).catch((error: unknown) =>
    logger.warn({ connectionId: connection.id, err: (error as Error).message }, 'could not stop push channels after a selection change'),
  );
  const stored = await calendarRows(db, connection.id);
  return {
    calendars: stored
      .filter((row) => byId.has(row.externalCalendarId))
      .map((row) => choiceOf(row, byId.get(row.externalCalendarId)!.canWrite)),
    refreshed: true,
  };
}
