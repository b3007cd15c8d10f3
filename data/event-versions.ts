// Writing a provider's version of an event into ce_calendar_events, and the change history
// (ce_calendar_event_changes) that goes with every applied change. Shared by inbound sync and the
// write-through of CRM edits so both record the same way.
import type { Db, Prisma } from '../db/client';
import { rowDataFromProvider as providerRowData, type ProviderRowData } from '../domain/sync/page-plan';
import { changedFields, pickFields, versionFromRow, type EventVersion } from '../domain/merge/event-version';
import type { ProviderEvent } from '../domain/events';
import type { ChangeEventSource } from '../domain/change-events';
import { activityFollowsEvent } from './activity-follows-event';
import type { EventRowModel } from './events';
import { emitChanges, eventChangeEntry, type OutboxEntry } from './outbox';

export type Tx = Prisma.TransactionClient | Db;

export type ChangeDirection = 'inbound' | 'outbound';
/** `reconciliation`: the daily full read repaired it; `operator`: someone confirmed a held mass deletion. */
export type ChangeSource = ChangeEventSource;

export interface ChangeMeta {
  direction: ChangeDirection;
  source: ChangeSource;
  /** A user id, or `provider`. */
  actor: string | null;
}

/** Every change a sync applies came from the provider. */
export const INBOUND: ChangeMeta = { direction: 'inbound', source: 'provider', actor: 'provider' };
/** What the daily reconciliation repaired (drift an incremental sync had not seen). */
export const RECONCILED: ChangeMeta = { direction: 'inbound', source: 'reconciliation', actor: 'provider' };

/** The rows that record one applied change: its history entry and its change-stream entry. */
export interface ChangeRecords {
  history: { eventId: string; direction: string; source: string; actor: string | null; fieldsBefore: string | null; fieldsAfter: string };
  outbox: OutboxEntry;
}

/**
 * What records one applied change of `row` (as it is now): only the fields that changed, before and after
 * (null before: created), for the event's history and the change stream the CRM hears (data/outbox.ts).
 * Null when nothing changed.
 */
export function changeRecords(
  row: EventRowModel,
  meta: ChangeMeta,
  before: EventVersion | null,
  after: EventVersion,
  extra: Record<string, unknown> = {},
): ChangeRecords | null {
  const fields = before ? changedFields(before, after) : [];
  if (before && fields.length === 0 && Object.keys(extra).length === 0) return null;
  const fieldsBefore = before ? { ...pickFields(before, fields), ...extraBefore(extra) } : null;
  const fieldsAfter = before ? { ...pickFields(after, fields), ...extra } : { ...after, ...extra };
  return {
    outbox: eventChangeEntry(row, meta, before, after, [...fields, ...Object.keys(extra).filter((key) => key === 'attendees')]),
    history: {
      eventId: row.id,
      direction: meta.direction,
      source: meta.source,
      actor: meta.actor,
      fieldsBefore: fieldsBefore ? JSON.stringify(fieldsBefore) : null,
      fieldsAfter: JSON.stringify(fieldsAfter),
    },
  };
}

/** Records one applied change of `row` (see changeRecords) in the history and the change stream. */
export async function recordChange(
  tx: Tx,
  row: EventRowModel,
  meta: ChangeMeta,
  before: EventVersion | null,
  after: EventVersion,
  extra: Record<string, unknown> = {},
) {
  const records = changeRecords(row, meta, before, after, extra);
  if (!records) return;
  await emitChanges(tx, [records.outbox]);
  await tx.eventChange.create({ data: records.history });
}

/** Attendee changes are noted, not copied (addresses stay out of the history). */
function extraBefore(extra: Record<string, unknown>): Record<string, unknown> {
  return 'attendees' in extra ? { attendees: 'previous' } : {};
}

/** Row columns for a provider version (content, version tag, hash). */
export function rowDataFromProvider(event: ProviderEvent, now = new Date()): ProviderRowData {
  return providerRowData(event, now);
}

/**
 * Stores the provider's version of an existing row (and its CRM activity), recording the change.
 * Returns the updated row; a version with the same content only refreshes the version tag.
 */
export async function applyProviderVersion(
  tx: Tx,
  existing: EventRowModel,
  event: ProviderEvent,
  meta: ChangeMeta,
  now = new Date(),
): Promise<EventRowModel> {
  const data = rowDataFromProvider(event, now);
  if (data.contentHash === existing.contentHash) {
    return tx.calendarEvent.update({ where: { id: existing.id }, data: { etag: event.version, lastSyncedAt: now } });
  }
  const saved = await tx.calendarEvent.update({ where: { id: existing.id }, data });
  const extra = existing.attendees !== data.attendees ? { attendees: 'changed' } : {};
  await recordChange(tx, saved, meta, versionFromRow(existing), versionFromRow(saved), extra);
  if (saved.activityId) await activityFollowsEvent(tx, saved);
  return saved;
}

/** Marks a row cancelled (deleted on either side), with its activity, recording the change. */
export async function markCancelled(tx: Tx, existing: EventRowModel, meta: ChangeMeta, now = new Date()): Promise<void> {
  if (existing.status === 'cancelled') return;
  const saved = await tx.calendarEvent.update({ where: { id: existing.id }, data: { status: 'cancelled', lastSyncedAt: now } });
  await recordChange(tx, saved, meta, versionFromRow(existing), versionFromRow(saved));
  if (saved.activityId) await activityFollowsEvent(tx, saved);
}
