// CRM-side edits of recurring series, one occurrence ("this") or an occurrence and all later ones
// ("following"). Planned once from the stored series (planOccurrenceEdit; the plan is recorded in the
// workflow's history), then carried out (applyOccurrenceEdit) so that a retry repeats the same plan:
// - an occurrence that already has a row (Graph lists them all; Google its exceptions) is edited like any
//   event, through the conflict-aware write-through;
// - an untouched Google occurrence is fetched by its instance id first, stored, then edited;
// - "following" splits the series as the calendars do: a new series (created idempotently) carries on from
//   the occurrence, its exceptions from there on are cancelled (conflict-aware), and the original series
//   ends the day before it.
import { requireWritableCalendar } from '../../../data/calendars';
import { requireEditableEventType } from '../../../domain/event-types';
import { loadActiveConnection, type ConnectionRow } from '../../../data/connections';
import { liveEventRow, liveOccurrencesFrom, occurrenceRow, type EventRowModel } from '../../../data/events';
import { markCancelled, type ChangeMeta } from '../../../data/event-versions';
import { continuationByRequestId, storeContinuation, storeFetchedOccurrence } from '../../../data/series';
import { applyEdit } from '../../../domain/event-edit';
import { instantOf } from '../../../domain/event-record';
import type { EventInput, EventTime } from '../../../domain/events';
import { Failure, notFound } from '../../../domain/failures';
import { versionFromRow, type EventVersion } from '../../../domain/merge/event-version';
import { occurrenceOf, splitSeries } from '../../../domain/recurrence/series-split';
import { isProviderError } from '../../../providers/errors';
import type { EditedOccurrence, EditOccurrenceInput } from '../../../workflows/connection/messages';
import type { ServiceDependencies } from '../../dependencies';
import { writeThrough, type WriteThroughResult } from './write-through';

type Deps = Pick<ServiceDependencies, 'db' | 'providers' | 'tokens'>;

/** An occurrence edit as the workflow's update received it, for one connection. */
export type OccurrenceEditRequest = EditOccurrenceInput & { connectionId: string };

/**
 * What an occurrence edit will do, decided once from the stored series (an activity result in the
 * workflow's history), so a retried write carries out the same plan even after the series has changed.
 */
export type OccurrenceEditPlan =
  /** An event row holds it already: the occurrence's own row, or the master when `following` is the whole series. */
  | { kind: 'event'; eventId: string }
  /** An occurrence nobody edited yet (Google lists only the master): fetched from the provider, then edited. */
  | { kind: 'occurrence'; masterEventId: string; originalStart: EventTime }
  /** "This and following": the series ends before `splitStart`; `continuation` (unless cancelled) carries on. */
  | { kind: 'split'; masterEventId: string; splitStart: EventTime; endedRecurrence: string[]; continuation: EventVersion | null };

const tooComplex = () => new Failure('recurrence_too_complex', "The series' rule cannot be expanded that far by this service");

/** The occurrence's start as the series writes it: a date for all-day series, else an instant in its zone. */
function occurrenceTime(seriesStart: EventTime, value: string): EventTime | undefined {
  if (seriesStart.kind === 'date') return /^\d{4}-\d{2}-\d{2}$/.test(value) ? { kind: 'date', date: value } : undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || /^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  return { kind: 'dateTime', dateTime: new Date(ms).toISOString(), timeZone: seriesStart.timeZone };
}

/** The same occurrence's end: the series' duration after `start`. */
function endAfter(series: EventVersion, start: EventTime): EventTime {
  const duration = instantOf(series.end).getTime() - instantOf(series.start).getTime();
  const endMs = instantOf(start).getTime() + duration;
  return start.kind === 'date'
    ? { kind: 'date', date: new Date(endMs).toISOString().slice(0, 10) }
    : { ...start, dateTime: new Date(endMs).toISOString() };
}

/** An occurrence nobody edited yet (no row: Google lists only the master), fetched from the provider. */
async function storeOccurrence(
  deps: Deps,
  connection: ConnectionRow,
  master: EventRowModel,
  originalStart: EventTime,
): Promise<EventRowModel> {
  const adapter = deps.providers.get(connection.provider).adapter;
  let occurrence;
  try {
    occurrence = await deps.tokens.withAccessToken(connection.id, (auth) =>
      adapter.getOccurrence(auth, { calendarId: master.externalCalendarId, seriesMasterId: master.externalEventId, originalStart }),
    );
  } catch (error) {
    if (isProviderError(error, 'not_found')) throw notFound('Occurrence');
    throw error;
  }
  if (occurrence.status === 'cancelled') throw notFound('Occurrence');
  return storeFetchedOccurrence(deps.db, connection, master.externalCalendarId, occurrence);
}

/** The series that carries on after a split: created once per request (the key makes a retry find it). */
async function createContinuation(
  deps: Deps,
  connection: ConnectionRow,
  master: EventRowModel,
  version: EventVersion,
  input: OccurrenceEditRequest,
  meta: ChangeMeta,
): Promise<EventRowModel> {
  const requestId = `split:${master.id}:${input.requestId}`;
  const existing = await continuationByRequestId(deps.db, connection.id, requestId);
  if (existing) return existing;
  const edit = 'edit' in input.change ? input.change.edit : undefined;
  const attendees =
    edit?.attendees ??
    (JSON.parse(master.attendees ?? '[]') as Array<{ email: string; name?: string; optional?: boolean }>).map(
      ({ email, name, optional }) => ({
        email,
        ...(name ? { name } : {}),
        ...(optional ? { optional } : {}),
      }),
    );
  const event: EventInput = {
    title: version.title ?? '',
    ...(version.description ? { description: version.description } : {}),
    ...(version.location ? { location: version.location } : {}),
    start: version.start,
    end: version.end,
    recurrence: version.recurrence ?? [],
    attendees,
  };
  const adapter = deps.providers.get(connection.provider).adapter;
  const created = await deps.tokens.withAccessToken(connection.id, (auth) =>
    adapter.createEvent(auth, { calendarId: master.externalCalendarId, event, idempotencyKey: `${connection.id}:${requestId}` }),
  );
  return storeContinuation(deps.db, {
    connection,
    calendarId: master.externalCalendarId,
    requestId,
    created,
    splitFromEventId: master.id,
    meta,
  });
}

/**
 * The series' occurrences from `from` on, which it no longer has. Edited ones (exceptions) are cancelled
 * through the write-through first: conditional on the version we hold, so an edit made in the calendar
 * meanwhile is applied, kept in the history and merged (recorded as a conflict) instead of vanishing
 * unseen; Google also keeps exceptions past a new UNTIL unless they are deleted. Untouched occurrences go
 * with the rule (`rulesOnly` rows are only marked here).
 */
async function removeOccurrencesFrom(
  deps: Deps,
  connection: ConnectionRow,
  master: EventRowModel,
  from: EventTime,
  meta: ChangeMeta,
  write: { localModifiedAt: number } | null,
): Promise<WriteThroughResult[]> {
  const results: WriteThroughResult[] = [];
  for (const row of await liveOccurrencesFrom(deps.db, master, from)) {
    if (write && row.eventKind === 'exception') {
      const cancel = (base: EventVersion): EventVersion => ({ ...base, status: 'cancelled' });
      results.push(await writeThrough(deps, { connection, row, target: cancel, localModifiedAt: write.localModifiedAt, meta }));
    } else {
      await deps.db.$transaction((tx) => markCancelled(tx, row, meta));
    }
  }
  return results;
}

function edited(result: WriteThroughResult, seriesEventId: string): EditedOccurrence {
  const { row, conflictId, resolution } = result;
  return {
    eventId: row.id,
    status: row.status,
    seriesEventId,
    ...(conflictId && resolution ? { conflict: { id: conflictId, resolution } } : {}),
  };
}

export async function planOccurrenceEdit(deps: Deps, input: OccurrenceEditRequest): Promise<OccurrenceEditPlan> {
  const { db } = deps;
  const connection = await loadActiveConnection(db, input.connectionId);
  const master = await liveEventRow(db, connection.id, input.eventId, 'Event');
  if (master.eventKind !== 'seriesMaster' || !master.recurrence) throw new Failure('not_a_series', 'The event is not a recurring series');
  requireEditableEventType(master.eventType);
  await requireWritableCalendar(db, connection.id, master.externalCalendarId);
  const series = versionFromRow(master);
  const at = occurrenceTime(series.start, input.originalStart);
  if (!at) throw notFound('Occurrence');
  const rules = { start: series.start, recurrence: series.recurrence ?? [] };

  if (input.scope === 'this') {
    const row = await occurrenceRow(db, master, at);
    if (row) {
      if (row.status === 'cancelled') throw notFound('Occurrence');
      return { kind: 'event', eventId: row.id };
    }
    const found = occurrenceOf(rules, at, new Date());
    if (found === 'unknown') throw tooComplex();
    if (found === 'no') throw notFound('Occurrence');
    return { kind: 'occurrence', masterEventId: master.id, originalStart: at };
  }

  const split = splitSeries(rules, at, new Date());
  switch (split.kind) {
    case 'not_an_occurrence':
      throw notFound('Occurrence');
    case 'unsupported':
      throw new Failure('unsupported_recurrence', 'This series cannot be split: its rule has several RRULEs or an EXRULE');
    case 'too_complex':
      throw tooComplex();
    case 'whole_series':
      return { kind: 'event', eventId: master.id };
    case 'split': {
      const first: EventVersion = { ...series, start: at, end: endAfter(series, at), recurrence: split.continuingRecurrence };
      const continuation = 'edit' in input.change ? applyEdit(first, input.change.edit) : null;
      return { kind: 'split', masterEventId: master.id, splitStart: at, endedRecurrence: split.endedRecurrence, continuation };
    }
  }
}

export async function applyOccurrenceEdit(
  deps: Deps,
  input: OccurrenceEditRequest & { plan: OccurrenceEditPlan },
): Promise<EditedOccurrence> {
  const { db } = deps;
  const connection = await loadActiveConnection(db, input.connectionId);
  const { plan, change } = input;
  const meta: ChangeMeta = { direction: 'outbound', source: 'api', actor: input.actor };
  const localModifiedAt = input.requestedAt ? Date.parse(input.requestedAt) : Date.now();
  const target = (base: EventVersion): EventVersion =>
    'cancel' in change ? { ...base, status: 'cancelled' } : applyEdit(base, change.edit);
  const attendees = 'edit' in change && change.edit.attendees ? { extraPatch: { attendees: change.edit.attendees } } : {};
  const write = (row: EventRowModel) => writeThrough(deps, { connection, row, target, ...attendees, localModifiedAt, meta });

  switch (plan.kind) {
    case 'event': {
      const row = await liveEventRow(db, connection.id, plan.eventId, 'Occurrence');
      const result = await write(row);
      if (row.eventKind === 'seriesMaster' && result.row.status === 'cancelled') {
        await removeOccurrencesFrom(deps, connection, row, versionFromRow(row).start, meta, null);
      }
      return edited(result, input.eventId);
    }
    case 'occurrence': {
      const master = await liveEventRow(db, connection.id, plan.masterEventId, 'Event');
      const row =
        (await occurrenceRow(db, master, plan.originalStart)) ?? (await storeOccurrence(deps, connection, master, plan.originalStart));
      if (row.status === 'cancelled') throw notFound('Occurrence');
      return edited(await write(row), input.eventId);
    }
    case 'split': {
      const master = await liveEventRow(db, connection.id, plan.masterEventId, 'Event');
      const continuation = plan.continuation ? await createContinuation(deps, connection, master, plan.continuation, input, meta) : null;
      // Exceptions first: once the rule ends, Graph drops them, calendar-side edits included.
      const removed = await removeOccurrencesFrom(deps, connection, master, plan.splitStart, meta, { localModifiedAt });
      const ended = await writeThrough(deps, {
        connection,
        row: (await db.calendarEvent.findUnique({ where: { id: master.id } })) ?? master,
        target: (base) => ({ ...base, recurrence: plan.endedRecurrence }),
        localModifiedAt,
        meta,
      });
      await removeOccurrencesFrom(deps, connection, master, plan.splitStart, meta, null);
      const conflicted = [ended, ...removed].find((one) => one.conflictId);
      const result = edited(
        conflicted ? { ...ended, conflictId: conflicted.conflictId, resolution: conflicted.resolution } : ended,
        input.eventId,
      );
      return continuation ? { ...result, eventId: continuation.id, status: continuation.status } : result;
    }
  }
}
