// The change stream (ce_outbox_events): what the CRM hears, written in the same transaction as the change
// it reports, so no change is reported that did not happen and none that happened is lost. Read in order by
// the change feed (GET /v1/changes) and by each webhook endpoint's workflow.
import type { Db, Prisma } from '../db/client';
import { inGroupsOf } from '../domain/collections';
import { eventChangeType, type ChangeEventData, type ChangeEventSource, type ChangeEventType } from '../domain/change-events';
import type { EventVersion } from '../domain/merge/event-version';
import type { EventRowModel } from './events';

type Tx = Prisma.TransactionClient | Db;

export type OutboxRow = Awaited<ReturnType<Db['outboxEvent']['findMany']>>[number];

/** A change-stream row as written (the sequence and the public id are the database's). */
export interface OutboxEntry {
  organizationId: string;
  connectionId: string | null;
  userId: string | null;
  type: string;
  data: string;
}

export function outboxEntry<T extends ChangeEventType>(change: {
  organizationId: string;
  connectionId?: string | null;
  userId?: string | null;
  type: T;
  data: ChangeEventData<T>;
}): OutboxEntry {
  return {
    organizationId: change.organizationId,
    connectionId: change.connectionId ?? null,
    userId: change.userId ?? null,
    type: change.type,
    data: JSON.stringify(change.data),
  };
}

export async function emitChange<T extends ChangeEventType>(
  tx: Tx,
  change: { organizationId: string; connectionId?: string | null; userId?: string | null; type: T; data: ChangeEventData<T> },
): Promise<void> {
  await tx.outboxEvent.create({ data: outboxEntry(change) });
}

/** Several changes in one statement, in the given order (their sequences follow it). */
export async function emitChanges(tx: Tx, entries: OutboxEntry[]): Promise<void> {
  if (entries.length) await tx.outboxEvent.createMany({ data: entries });
}

/** The change of a synced event as the stream reports it (event.* or meeting.*). */
export function eventChangeEntry(
  row: EventRowModel,
  meta: { direction: 'inbound' | 'outbound'; source: ChangeEventSource },
  before: EventVersion | null,
  after: EventVersion,
  changedFields: string[],
): OutboxEntry {
  return outboxEntry({
    organizationId: row.organizationId,
    connectionId: row.connectionId,
    type: eventChangeType(row, before, after),
    data: {
      event: {
        eventId: row.id,
        connectionId: row.connectionId,
        calendarId: row.externalCalendarId,
        externalEventId: row.externalEventId,
        status: row.status,
        title: row.title,
        location: row.location,
        start: { at: row.startAt.toISOString(), date: row.startDate },
        end: { at: row.endAt.toISOString(), date: row.endDate },
        allDay: row.allDay,
        kind: row.eventKind,
        activityId: row.activityId,
      },
      direction: meta.direction,
      source: meta.source,
      changedFields,
    },
  });
}

/**
 * The organization's changes after `after` (a sequence), oldest first. `connectionIds` restricts to those
 * connections' changes plus the ones addressed to `userId`; undefined: the whole organization.
 */
export async function changesAfter(
  db: Db,
  filter: {
    organizationId: string;
    after: number;
    limit: number;
    types?: string[];
    visibleTo?: { userId: string; connectionIds: string[] };
  },
): Promise<OutboxRow[]> {
  const { visibleTo } = filter;
  const page = (visible: Prisma.OutboxEventWhereInput) =>
    db.outboxEvent.findMany({
      where: {
        organizationId: filter.organizationId,
        sequence: { gt: filter.after },
        ...(filter.types ? { type: { in: filter.types } } : {}),
        ...visible,
      },
      orderBy: { sequence: 'asc' },
      take: filter.limit,
    });
  if (!visibleTo) return page({});
  const addressed = { connectionId: null, userId: visibleTo.userId };
  if (visibleTo.connectionIds.length <= CONNECTION_IDS_PER_QUERY) {
    return page({ OR: [{ connectionId: { in: visibleTo.connectionIds } }, addressed] });
  }
  // More connections than one statement can bind (Prisma does not split an `in` under OR or with take): a
  // page per group, each its own first `limit`, merged in sequence order.
  const groups = inGroupsOf(visibleTo.connectionIds, CONNECTION_IDS_PER_QUERY).map((ids) => ({ connectionId: { in: ids } }));
  const pages = await Promise.all([addressed, ...groups].map(page));
  return pages
    .flat()
    .sort((a, b) => a.sequence - b.sequence)
    .slice(0, filter.limit);
}

/** Well under SQLite's 999 bound values per statement, with room for the page's other conditions. */
export const CONNECTION_IDS_PER_QUERY = 900;
