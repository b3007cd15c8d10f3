// Busy blocks of one connection's selected calendars over a window, asked from the provider (run in the
// worker, for the free/busy API). Google answers per calendar id. Graph's getSchedule answers per mailbox,
// i.e. for the default calendar only: it is asked when that calendar is selected, and other selected
// Microsoft calendars contribute their synced (expanded) events.
import type { Interval } from '../../domain/freebusy';
import { isFailure } from '../../domain/failures';
import type { ServiceDependencies } from '../dependencies';

export interface ConnectionBusy {
  busy: Interval[];
  /** Why (part of) the answer is missing: a failure code, `no_answer` or the provider's per-calendar error. */
  error?: string;
}

export async function busyOfSelectedCalendars(
  { db, providers, tokens }: Pick<ServiceDependencies, 'db' | 'providers' | 'tokens'>,
  input: { connectionId: string; timeMin: string; timeMax: string },
): Promise<ConnectionBusy> {
  const { timeMin, timeMax } = input;
  try {
    const row = await db.calendarConnection.findUniqueOrThrow({ where: { id: input.connectionId } });
    const adapter = providers.get(row.provider).adapter;
    const calendars = await db.connectionCalendar.findMany({
      where: { connectionId: row.id },
      select: { externalCalendarId: true, isPrimary: true, syncEnabled: true },
    });
    const selected = calendars.filter((calendar) => calendar.syncEnabled);
    // Not yet discovered (first sync pending): the account's main calendar, as before selection existed.
    const askAccount = calendars.length === 0 || (row.provider !== 'google' && selected.some((calendar) => calendar.isPrimary));
    const ids =
      row.provider === 'google'
        ? calendars.length === 0
          ? [row.externalAccountEmail]
          : selected.map((calendar) => calendar.externalCalendarId)
        : askAccount
          ? [row.externalAccountEmail]
          : [];
    const busy: Interval[] = [];
    let error: string | undefined;
    if (ids.length) {
      const result = await tokens.withAccessToken(row.id, (auth) => adapter.freeBusy(auth, { emails: ids, timeMin, timeMax }));
      for (const id of ids) {
        const entry = result[id] ?? (ids.length === 1 ? Object.values(result)[0] : undefined);
        if (!entry) error ??= 'no_answer';
        else if ('error' in entry) error ??= entry.error || 'calendar_error';
        else busy.push(...entry.busy.map(({ start, end }) => ({ start, end })));
      }
    }
    const local = row.provider === 'google' ? [] : selected.filter((calendar) => !calendar.isPrimary);
    if (local.length) {
      const events = await db.calendarEvent.findMany({
        where: {
          connectionId: row.id,
          externalCalendarId: { in: local.map((calendar) => calendar.externalCalendarId) },
          status: { not: 'cancelled' },
          showAs: { not: 'free' },
          eventKind: { not: 'seriesMaster' },
          startAt: { lt: new Date(timeMax) },
          endAt: { gt: new Date(timeMin) },
        },
        select: { startAt: true, endAt: true },
      });
      busy.push(...events.map((event) => ({ start: event.startAt.toISOString(), end: event.endAt.toISOString() })));
    }
    return { busy, ...(error ? { error } : {}) };
  } catch (error) {
    // One connection failing is reported for its user; the others still answer.
    return { busy: [], error: isFailure(error) ? error.code : 'unavailable' };
  }
}
