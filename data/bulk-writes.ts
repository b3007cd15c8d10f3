// Many rows in one statement: INSERTs as SQL with bound parameters (SQLite and PostgreSQL alike), and
// per-row content updates as one UPDATE over a JSON parameter.
// Why not createMany: Prisma 7's query compiler compiles and interprets a createMany plan with every row's
// values in it, which costs milliseconds per row (measured: most of a 10,000-event first sync). A raw
// statement is compiled once per call whatever its size. The column lists below are typed against the
// models, so a new column cannot be forgotten; every value is given (no database default is relied on,
// Prisma's client-side defaults such as uuid() and now() included).
import type { Db, DbProvider, Prisma } from '../db/client';
import type { EventRowModel } from './events';
import type { ChangeRecords } from './event-versions';
import type { OutboxEntry } from './outbox';
import type { SealedCredentialRow } from '../vault/vault';

type Tx = Prisma.TransactionClient | Db;

type Columns<Row> = { [Field in keyof Row]-?: string };

/**
 * Rows as one JSON parameter the database unpacks (SQLite json_each, PostgreSQL json_populate_recordset over
 * the table's own row type): one bound value whatever the number of rows, where a VALUES list binds one per
 * cell and Prisma's parameter handling then costs more than the INSERT itself. Rows keep their order (the
 * change stream's sequence follows it).
 */
async function insertRows<Row extends object>(
  tx: Tx,
  provider: DbProvider,
  table: string,
  columns: Columns<Row>,
  rows: Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const fields = Object.keys(columns) as Array<keyof Row & string>;
  const names = fields.map((field) => `"${columns[field]}"`).join(', ');
  // Bytes travel as hex: SQLite unhex()es them, PostgreSQL reads '\x...' as bytea.
  const binary = new Set(fields.filter((field) => rows.some((row) => row[field] instanceof Uint8Array)));
  if (provider === 'sqlite') {
    const cell = (value: unknown) =>
      value instanceof Date ? sqliteTimestamp(value) : value instanceof Uint8Array ? hex(value) : (value ?? null);
    const payload = JSON.stringify(rows.map((row) => fields.map((field) => cell(row[field]))));
    const cells = fields.map((field, index) =>
      binary.has(field) ? `unhex(json_extract(r.value, '$[${index}]'))` : `json_extract(r.value, '$[${index}]')`,
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO "${table}" (${names}) SELECT ${cells.join(', ')} FROM json_each(?) AS r ORDER BY r.key`,
      payload,
    );
    return;
  }
  const cell = (value: unknown) =>
    value instanceof Date ? value.toISOString() : value instanceof Uint8Array ? `\\x${hex(value)}` : (value ?? null);
  const payload = JSON.stringify(rows.map((row) => Object.fromEntries(fields.map((field) => [columns[field], cell(row[field])]))));
  const unpacked = `json_populate_recordset(NULL::"${table}", $1::json) WITH ORDINALITY`;
  await tx.$executeRawUnsafe(`INSERT INTO "${table}" (${names}) SELECT ${names} FROM ${unpacked} ORDER BY ordinality`, payload);
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

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
  echoedAt: 'echoed_at',
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
export function insertCredentials(tx: Tx, provider: DbProvider, rows: SealedCredentialRow[], createdAt: Date): Promise<void> {
  return insertRows(
    tx,
    provider,
    'pf_credentials',
    CREDENTIAL_COLUMNS,
    rows.map((row) => ({ ...row, createdAt, rewrappedAt: null })),
  );
}

export function insertEvents(tx: Tx, provider: DbProvider, rows: EventRowModel[]): Promise<void> {
  return insertRows(tx, provider, 'ce_calendar_events', EVENT_COLUMNS, rows);
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
export function insertHistory(tx: Tx, provider: DbProvider, rows: HistoryRow[]): Promise<void> {
  return insertRows(tx, provider, 'ce_calendar_event_changes', HISTORY_COLUMNS, rows);
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
export function insertOutbox(tx: Tx, provider: DbProvider, rows: OutboxRowInput[]): Promise<void> {
  return insertRows(tx, provider, 'ce_outbox_events', OUTBOX_COLUMNS, rows);
}

/** A Date as the SQLite adapter stores it (ISO 8601 with +00:00), so text comparisons stay right. */
const sqliteTimestamp = (value: Date) => value.toISOString().replace('Z', '+00:00');

/** A stored row as read in the same transaction, and the same row as it is to be (data/sync-pages.ts: `update` steps). */
export interface EventContentChange {
  before: EventRowModel;
  after: EventRowModel;
}

const sameValue = (a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b);

/**
 * New content for many rows in one statement: the rows travel as one JSON parameter (keys are the column
 * names) that the database unpacks, so the statement's size does not grow with the number of rows. Only the
 * columns some row changes are set: a column left out of SET leaves its indexes alone (a title edit does not
 * rewrite the start-time and status index entries of every row).
 */
export async function updateEventContents(tx: Tx, provider: Db['provider'], changes: EventContentChange[]): Promise<void> {
  if (changes.length === 0) return;
  const changed = (Object.keys(EVENT_COLUMNS) as Array<keyof EventRowModel>).filter(
    (field) => field !== 'id' && changes.some(({ before, after }) => !sameValue(before[field], after[field])),
  );
  if (changed.length === 0) return;
  const timestamp = provider === 'sqlite' ? sqliteTimestamp : (value: Date) => value.toISOString();
  const payload = JSON.stringify(
    changes.map(({ after }) =>
      Object.fromEntries(
        (['id', ...changed] as const).map((field) => {
          const value = after[field];
          return [EVENT_COLUMNS[field], value instanceof Date ? timestamp(value) : value];
        }),
      ),
    ),
  );
  const columns = changed.map((field) => EVENT_COLUMNS[field]);
  if (provider === 'sqlite') {
    const sets = columns.map((column) => `"${column}" = json_extract(r.value, '$.${column}')`).join(', ');
    await tx.$executeRawUnsafe(
      `UPDATE "ce_calendar_events" SET ${sets} FROM json_each(?) AS r WHERE "ce_calendar_events"."id" = json_extract(r.value, '$.id')`,
      payload,
    );
    return;
  }
  // json_populate_recordset parses each row once, into the table's own row type; `->>` on a json value would
  // parse the row again for every column (measured: most of a 100-row UPDATE's 20-40 ms).
  const sets = columns.map((column) => `"${column}" = r."${column}"`).join(', ');
  await tx.$executeRawUnsafe(
    `UPDATE "ce_calendar_events" SET ${sets} FROM json_populate_recordset(NULL::"ce_calendar_events", $1::json) AS r ` +
      `WHERE "ce_calendar_events"."id" = r."id"`,
    payload,
  );
}

/** A legacy row moved into the vault: the credentials it now links, and the columns as read (the condition). */
export interface MigratedTokenLink {
  id: string;
  access: string | null;
  refresh: string | null;
  was: { access: string | null; refresh: string | null; accessLegacy: string | null; refreshLegacy: string | null };
}

/**
 * Links many migrated rows to their credentials and clears their legacy columns in one statement, each row only
 * if it is still exactly as read (still legacy, same links, same legacy values). Returns how many rows changed:
 * fewer than given means someone else moved a row meanwhile (the caller rolls back).
 */
export async function linkMigratedTokens(tx: Tx, provider: DbProvider, rows: MigratedTokenLink[], migratedAt: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const payload = JSON.stringify(
    rows.map((row) => ({
      id: row.id,
      access: row.access,
      refresh: row.refresh,
      wasAccess: row.was.access,
      wasRefresh: row.was.refresh,
      wasAccessLegacy: row.was.accessLegacy,
      wasRefreshLegacy: row.was.refreshLegacy,
    })),
  );
  const sets = (value: (field: string) => string, migrated: string) =>
    `"access_token_credential_id" = ${value('access')}, "refresh_token_credential_id" = ${value('refresh')}, ` +
    `"access_token_encrypted" = NULL, "refresh_token_encrypted" = NULL, "migration_required" = ${provider === 'sqlite' ? '0' : 'false'}, ` +
    `"migrated_at" = ${migrated}, "migration_error" = NULL, "updated_at" = ${migrated}`;
  if (provider === 'sqlite') {
    const field = (name: string) => `json_extract(r.value, '$.${name}')`;
    // "+": not by the migration_required index, which would scan every legacy row for each given one.
    return tx.$executeRawUnsafe(
      `UPDATE "ce_calendar_connections" SET ${sets(field, '?')} FROM json_each(?) AS r ` +
        `WHERE "ce_calendar_connections"."id" = ${field('id')} AND +"migration_required" = 1 ` +
        `AND "access_token_credential_id" IS ${field('wasAccess')} AND "refresh_token_credential_id" IS ${field('wasRefresh')} ` +
        `AND "access_token_encrypted" IS ${field('wasAccessLegacy')} AND "refresh_token_encrypted" IS ${field('wasRefreshLegacy')}`,
      sqliteTimestamp(migratedAt),
      sqliteTimestamp(migratedAt),
      payload,
    );
  }
  const field = (name: string) => `r."${name}"`;
  const record =
    'r(id text, access text, refresh text, "wasAccess" text, "wasRefresh" text, "wasAccessLegacy" text, "wasRefreshLegacy" text)';
  return tx.$executeRawUnsafe(
    `UPDATE "ce_calendar_connections" AS c SET ${sets(field, '$1::timestamp(3)')} FROM json_to_recordset($2::json) AS ${record} ` +
      `WHERE c."id" = r.id AND c."migration_required" AND ` +
      [
        ['access_token_credential_id', 'wasAccess'],
        ['refresh_token_credential_id', 'wasRefresh'],
        ['access_token_encrypted', 'wasAccessLegacy'],
        ['refresh_token_encrypted', 'wasRefreshLegacy'],
      ]
        .map(([column, was]) => `c."${column}" IS NOT DISTINCT FROM r."${was}"`)
        .join(' AND '),
    migratedAt.toISOString(),
    payload,
  );
}
