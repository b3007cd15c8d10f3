// One calendar seen from both sides, in the same shape, so they can be compared: the live events at the fake
// (the provider's truth) and the live rows the service holds for the connection, each keyed by the
// provider's event id with its title, start and end (epoch ms). Used by the convergence property
// (test/convergence) and the chaos run (bench/chaos).
import type { Db } from '../../db/client';
import type { FakeProviderControl } from '../../fakes/types';

export interface EventShape {
  title: string | null;
  start: number;
  end: number;
}

export type CalendarSnapshot = Map<string, EventShape>;

/** Epoch ms of an event time (an all-day date: its UTC midnight); takes the fakes' and the domain's shapes alike. */
export const instant = (time: { kind: 'date'; date: string } | { kind: 'dateTime'; dateTime: string }) =>
  time.kind === 'date' ? Date.parse(`${time.date}T00:00:00Z`) : Date.parse(time.dateTime);

/** The account's events at the fake, cancelled ones left out. */
export function calendarAtFake(fake: FakeProviderControl, email: string): CalendarSnapshot {
  return new Map(
    fake
      .listEvents(email)
      .filter((event) => event.status !== 'cancelled')
      .map((event) => [event.id, { title: event.title ?? null, start: instant(event.start), end: instant(event.end) }]),
  );
}

/** The connection's rows, cancelled ones and expanded occurrences (the fake lists series by their master) left out. */
export async function calendarInRows(db: Db, connectionId: string): Promise<CalendarSnapshot> {
  const rows = await db.calendarEvent.findMany({
    where: { connectionId, status: { not: 'cancelled' }, eventKind: { not: 'occurrence' } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return new Map(rows.map((row) => [row.externalEventId, { title: row.title, start: row.startAt.getTime(), end: row.endAt.getTime() }]));
}

export interface SnapshotDifference {
  /** At the provider, not in the rows. */
  missing: string[];
  /** In the rows, not at the provider. */
  extra: string[];
  /** On both sides with another title, start or end. */
  different: string[];
}

export function differences(atProvider: CalendarSnapshot, inRows: CalendarSnapshot): SnapshotDifference {
  const same = (a: EventShape, b: EventShape) => a.title === b.title && a.start === b.start && a.end === b.end;
  return {
    missing: [...atProvider.keys()].filter((id) => !inRows.has(id)),
    extra: [...inRows.keys()].filter((id) => !atProvider.has(id)),
    different: [...atProvider].filter(([id, event]) => inRows.has(id) && !same(event, inRows.get(id)!)).map(([id]) => id),
  };
}
