// Rows a CRM-side edit of a recurring series adds: an occurrence fetched from the provider to be edited,
// and the new series that carries on after a split.
import type { Db } from '../db/client';
import type { ProviderEvent } from '../domain/events';
import { versionFromRow } from '../domain/merge/event-version';
import type { EventRowModel } from './events';
import { INBOUND, recordChange, rowDataFromProvider, type ChangeMeta } from './event-versions';

type Connection = { id: string; organizationId: string };

/** An occurrence stored as the calendar has it (an inbound "created" entry starts its history). */
export function storeFetchedOccurrence(
  db: Db,
  connection: Connection,
  calendarId: string,
  occurrence: ProviderEvent,
): Promise<EventRowModel> {
  const unique = { connectionId: connection.id, externalCalendarId: calendarId, externalEventId: occurrence.externalId };
  return db.$transaction(async (tx) => {
    const row = await tx.calendarEvent.create({
      data: { ...unique, organizationId: connection.organizationId, syncDirection: 'inbound', ...rowDataFromProvider(occurrence) },
    });
    await recordChange(tx, row, INBOUND, null, versionFromRow(row));
    return row;
  });
}

/** The series a split created, keyed by its request id so a retried split finds it (null: not created yet). */
export function continuationByRequestId(db: Db, connectionId: string, requestId: string): Promise<EventRowModel | null> {
  return db.calendarEvent.findFirst({ where: { connectionId, requestId } });
}

/** Stores the series a split created as outbound, its history starting with where it was split from. */
export function storeContinuation(
  db: Db,
  input: {
    connection: Connection;
    calendarId: string;
    requestId: string;
    created: ProviderEvent;
    splitFromEventId: string;
    meta: ChangeMeta;
  },
): Promise<EventRowModel> {
  const { connection, calendarId, requestId, created } = input;
  const unique = { connectionId: connection.id, externalCalendarId: calendarId, externalEventId: created.externalId };
  return db.$transaction(async (tx) => {
    const row = await tx.calendarEvent.upsert({
      where: { connectionId_externalCalendarId_externalEventId: unique },
      create: {
        ...unique,
        organizationId: connection.organizationId,
        syncDirection: 'outbound',
        requestId,
        ...rowDataFromProvider(created),
      },
      update: { syncDirection: 'outbound', requestId },
    });
    await recordChange(tx, row, input.meta, null, versionFromRow(row), { splitFromEventId: input.splitFromEventId });
    return row;
  });
}
