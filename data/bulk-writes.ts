// Many rows in one statement: INSERTs as SQL with bound parameters (SQLite and PostgreSQL alike), and
// per-row content updates as one UPDATE over a JSON parameter.
// Why not createMany: Prisma 7's query compiler compiles and interprets a createMany plan with every row's
// values in it, which costs milliseconds per row (measured: most of a 10,000-event first sync). A raw
// statement is compiled once per call whatever its size. The column lists below are typed against the
// models, so a new column cannot be forgotten; every value is given (no database default is relied on,
// Prisma's client-side defaults such as uuid() and now() included).
import { Prisma, type Db } from '../db/client';
import type { ProviderRowData } from '../domain/sync/page-plan';
import type { EventRowModel } from './events';
import type { ChangeRecords } from './event-versions';
import type { OutboxEntry } from './outbox';
import type { SealedCredentialRow } from '../vault/vault';

type Tx = Prisma.TransactionClient | Db;

/** Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMETERS = 30_000;

type Columns<Row> = { [Field in keyof Row]-?: string };

async function insertRows<Row extends object>(tx: Tx, table: string, columns: Columns<Row>, rows: Row[]): Promise<void> {
  const fields = Object.keys(columns) as Array<keyof Row & string>;
  const names = Prisma.raw(fields.map((field) => `"${columns[field]}"`).join(', '));
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / fields.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const values = rows
      .slice(start, start + perStatement)
      .map((row) => Prisma.sql`(${Prisma.join(fields.map((field) => (row[field] ?? null) as unknown))})`);
    await tx.$executeRaw`INSERT INTO ${Prisma.raw(`"${table}"`)} (${names}) VALUES ${Prisma.join(values)}`;
  }
}

const EVENT_COLUMNS: Columns<EventRowModel> = {
  id: 'id',
  organizationId: 'organization_id',
  connectionId: 'connection_id',
  externalCalendarId: 'external_calendar_id',
  externalEventId: 'external_event_id',
  iCalUid: 'ical_uid',
  etag: 'etag',
  contentHash: 'content_hash',
  syncDirection: 'sync_direction',
  activityId: 'activity_id',
  requestId: 'request_id',
  status: 'status',
  title: 'title',
  description: 'description',
  location: 'location',
  startAt: 'start_at',
  endAt: 'end_at',
  allDay: 'all_day',
  startDate: 'start_date',
  endDate: 'end_date',
  timeZone: 'time_zone',
  eventKind: 'event_kind',
  recurrence: 'recurrence',
  seriesMasterExternalId: 'series_master_external_id',
  originalStartAt: 'original_start_at',
  organizerEmail: 'organizer_email',
  organizerName: 'organizer_name',
  attendees: 'attendees',
  externalUpdatedAt: 'external_updated_at',
  eventType: 'event_type',
  pendingDeletionAt: 'pending_deletion_at',
  lastSyncedAt: 'last_synced_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  isPrivate: 'is_private',
  showAs: 'show_as',
};

/** New ce_calendar_events rows, complete (data/sync-pages.ts builds them). */
const CREDENTIAL_COLUMNS: Columns<SealedCredentialRow & { createdAt: Date; rewrappedAt: Date | null }> = {
  id: 'id',
  organizationId: 'organization_id',
  kind: 'kind',
  keyId: 'key_id',
  wrappedKey: 'wrapped_key',
  ciphertext: 'ciphertext',
  iv: 'iv',
  authTag: 'auth_tag',
  createdAt: 'created_at',
  rewrappedAt: 'rewrapped_at',
};

/** Sealed credentials (vault.sealMany) in one statement. */
export function insertCredentials(tx: Tx, rows: SealedCredentialRow[], createdAt: Date): Promise<void> {
  return insertRows(
    tx,
    'pf_credentials',
    CREDENTIAL_COLUMNS,
    rows.map((row) => ({ ...row, createdAt, rewrappedAt: null })),
  );
}

export function insertEvents(tx: Tx, rows: EventRowModel[]): Promise<void> {
  return insertRows(tx, 'ce_calendar_events', EVENT_COLUMNS, rows);
}

type HistoryRow = ChangeRecords['history'] & { id: string; createdAt: Date };

const HISTORY_COLUMNS: Columns<HistoryRow> = {
  id: 'id',
  eventId: 'event_id',
  direction: 'direction',
  source: 'source',
  actor: 'actor',
  fieldsBefore: 'fields_before',
  fieldsAfter: 'fields_after',
  createdAt: 'created_at',
};

/** History entries (ce_calendar_event_changes). */
export function insertHistory(tx: Tx, rows: HistoryRow[]): Promise<void> {
  return insertRows(tx, 'ce_calendar_event_changes', HISTORY_COLUMNS, rows);
}

type OutboxRowInput = OutboxEntry & { id: string; occurredAt: Date };

const OUTBOX_COLUMNS: Columns<OutboxRowInput> = {
  id: 'id',
  organizationId: 'organization_id',
  connectionId: 'connection_id',
  userId: 'user_id',
  type: 'type',
  data: 'data',
  occurredAt: 'occurred_at',
};

/** Change-stream rows, in the given order: one statement assigns their sequences in that order. */
export function insertOutbox(tx: Tx, rows: OutboxRowInput[]): Promise<void> {
  return insertRows(tx, 'ce_outbox_events', OUTBOX_COLUMNS, rows);
}

/** What a provider version sets on an existing row (data/sync-pages.ts: `update` steps). */
export type EventContentUpdate = Pick<EventRowModel, 'id' | 'pendingDeletionAt' | 'updatedAt' | keyof ProviderRowData>;

type ColumnType = 'text' | 'timestamp' | 'boolean';

const CONTENT_COLUMNS: { [Field in keyof EventContentUpdate]-?: ColumnType } = {
  id: 'text',
  status: 'text',
  title: 'text',
  description: 'text',
  location: 'text',
  startAt: 'timestamp',
  endAt: 'timestamp',
  allDay: 'boolean',
  startDate: 'text',
  endDate: 'text',
  timeZone: 'text',
  eventKind: 'text',
  recurrence: 'text',
  seriesMasterExternalId: 'text',
  originalStartAt: 'timestamp',
  organizerEmail: 'text',
  organizerName: 'text',
  attendees: 'text',
  iCalUid: 'text',
  isPrivate: 'boolean',
  showAs: 'text',
  eventType: 'text',
  etag: 'text',
  contentHash: 'text',
  externalUpdatedAt: 'timestamp',
  lastSyncedAt: 'timestamp',
  pendingDeletionAt: 'timestamp',
  updatedAt: 'timestamp',
};

/** A Date as the SQLite adapter stores it (ISO 8601 with +00:00), so text comparisons stay right. */
const sqliteTimestamp = (value: Date) => value.toISOString().replace('Z', '+00:00');

/**
 * New content for many rows in one statement: the rows travel as one JSON parameter that the database
 * unpacks (SQLite json_each, PostgreSQL json_array_elements), so the statement's size does not grow with
 * the number of bound values.
 */
export async function updateEventContents(tx: Tx, provider: Db['provider'], rows: EventContentUpdate[]): Promise<void> {
  if (rows.length === 0) return;
  const fields = (Object.keys(CONTENT_COLUMNS) as Array<keyof EventContentUpdate>).filter((field) => field !== 'id');
  const payload = JSON.stringify(
    rows.map((row) =>
      Object.fromEntries(
        (Object.keys(CONTENT_COLUMNS) as Array<keyof EventContentUpdate>).map((field) => {
          const value = row[field];
          return [field, value instanceof Date ? (provider === 'sqlite' ? sqliteTimestamp(value) : value.toISOString()) : value];
        }),
      ),
    ),
  );
  if (provider === 'sqlite') {
    const sets = fields.map((field) => `"${EVENT_COLUMNS[field]}" = json_extract(r.value, '$.${field}')`).join(', ');
    await tx.$executeRawUnsafe(
      `UPDATE "ce_calendar_events" SET ${sets} FROM json_each(?) AS r WHERE "ce_calendar_events"."id" = json_extract(r.value, '$.id')`,
      payload,
    );
    return;
  }
  const cast = { text: '', timestamp: '::timestamp(3)', boolean: '::boolean' };
  const sets = fields.map((field) => `"${EVENT_COLUMNS[field]}" = (r.value->>'${field}')${cast[CONTENT_COLUMNS[field]]}`).join(', ');
  await tx.$executeRawUnsafe(
    `UPDATE "ce_calendar_events" SET ${sets} FROM json_array_elements($1::json) AS r(value) ` +
      `WHERE "ce_calendar_events"."id" = r.value->>'id'`,
    payload,
  );
}
