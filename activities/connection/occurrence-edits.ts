// CRM-side edits of recurring series, one occurrence ("this") or an occurrence and all later ones
// ("following"). Planned once from the stored series (planOccurrenceEdit; the plan is recorded in the
// workflow's history), then carried out (applyOccurrenceEdit) so that a retry repeats the same plan:
// - an occurrence that already has a row (Graph lists them all; Google its exceptions) is edited like any
//   event, through the conflict-aware write-through;
// - an untouched Google occurrence is fetched by its instance id first, stored, then edited;
// - "following" splits the series as the calendars do: a new series (created idempotently) carries on from
//   the occurrence, its exceptions from there on are cancelled (conflict-aware), and the original series
//   ends the day before it.
import { ApplicationFailure } from '@temporalio/common';
import { applyEdit } from '../../domain/event-edit';
import { instantOf } from '../../domain/event-record';
import { versionFromRow, type EventVersion } from '../../domain/merge/event-version';
import { isOccurrenceOf, splitSeries } from '../../domain/recurrence/series-split';
import { isProviderError } from '../../providers/errors';
import type { EventInput, EventTime } from '../../providers/types';
import type { EditedOccurrence } from '../../workflows/connection/messages';
import { notFoundFailure } from '../failures';
import { liveEventRow, loadActiveConnection, requireWritableCalendar } from './connection-rows';
import type { ConnectionActivityDeps } from './dependencies';
import { markCancelled, recordChange, rowDataFromProvider, type ChangeMeta, type EventRowModel } from './event-changes';
import { createEventWriter, type WriteThroughResult } from './event-write';
import type { OccurrenceEditPlan, OccurrenceEditRequest } from './types';

type Connection = Awaited<ReturnType<typeof loadActiveConnection>>;

const INBOUND: ChangeMeta = { direction: 'inbound', source: 'provider', actor: 'provider' };

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

function unsupportedRecurrence(): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'unsupported_recurrence',
    message: 'This series cannot be split: its rule has several RRULEs or an EXRULE',
    nonRetryable: true,
  });
}

function notASeries(): ApplicationFailure {
  return ApplicationFailure.create({ type: 'not_a_series', message: 'The event is not a recurring series', nonRetryable: true });
}

export function createOccurrenceEditActivities(deps: ConnectionActivityDeps) {
  const { db, providers, tokens } = deps;
  const writeThrough = createEventWriter(deps);

  function occurrenceRow(master: EventRowModel, start: EventTime) {
    return db.calendarEvent.findFirst({
      where: {
        connectionId: master.connectionId,
        externalCalendarId: master.externalCalendarId,
        seriesMasterExternalId: master.externalEventId,
        originalStartAt: instantOf(start),
      },
    });
  }

  /** An occurrence nobody edited yet (no row: Google lists only the master), fetched from the provider. */
  async function storeOccurrence(connection: Connection, master: EventRowModel, originalStart: EventTime): Promise<EventRowModel> {
    const adapter = providers.get(connection.provider).adapter;
    let occurrence;
    try {
      occurrence = await tokens.withAccessToken(connection.id, (auth) =>
        adapter.getOccurrence(auth, { calendarId: master.externalCalendarId, seriesMasterId: master.externalEventId, originalStart }),
      );
    } catch (error) {
      if (isProviderError(error, 'not_found')) throw notFoundFailure('Occurrence');
      throw error;
    }
    if (occurrence.status === 'cancelled') throw notFoundFailure('Occurrence');
    const unique = { connectionId: connection.id, externalCalendarId: master.externalCalendarId, externalEventId: occurrence.externalId };
    // Stored as the calendar has it (an inbound "created" entry starts its history), then edited.
    return db.$transaction(async (tx) => {
      const row = await tx.calendarEvent.create({
        data: { ...unique, organizationId: connection.organizationId, syncDirection: 'inbound', ...rowDataFromProvider(occurrence) },
      });
      await recordChange(tx, row.id, INBOUND, null, versionFromRow(row));
      return row;
    });
  }

  /** The series that carries on after a split: created once per request (the key makes a retry find it). */
  async function createContinuation(
    connection: Connection,
    master: EventRowModel,
    version: EventVersion,
    input: OccurrenceEditRequest,
    meta: ChangeMeta,
  ) {
    const requestId = `split:${master.id}:${input.requestId}`;
    const existing = await db.calendarEvent.findFirst({ where: { connectionId: connection.id, requestId } });
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
    const adapter = providers.get(connection.provider).adapter;
    const created = await tokens.withAccessToken(connection.id, (auth) =>
      adapter.createEvent(auth, { calendarId: master.externalCalendarId, event, idempotencyKey: `${connection.id}:${requestId}` }),
    );
    const unique = { connectionId: connection.id, externalCalendarId: master.externalCalendarId, externalEventId: created.externalId };
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
      await recordChange(tx, row.id, meta, null, versionFromRow(row), { splitFromEventId: master.id });
      return row;
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
    connection: Connection,
    master: EventRowModel,
    from: EventTime,
    meta: ChangeMeta,
    write: { localModifiedAt: number } | null,
  ): Promise<WriteThroughResult[]> {
    const rows = await db.calendarEvent.findMany({
      where: {
        connectionId: connection.id,
        externalCalendarId: master.externalCalendarId,
        seriesMasterExternalId: master.externalEventId,
        originalStartAt: { gte: instantOf(from) },
        status: { not: 'cancelled' },
      },
    });
    const results: WriteThroughResult[] = [];
    for (const row of rows) {
      if (write && row.eventKind === 'exception') {
        results.push(
          await writeThrough({
            connection,
            row,
            target: (base) => ({ ...base, status: 'cancelled' }),
            localModifiedAt: write.localModifiedAt,
            meta,
          }),
        );
      } else {
        await db.$transaction((tx) => markCancelled(tx, row, meta));
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

  return {
    async planOccurrenceEdit(input: OccurrenceEditRequest): Promise<OccurrenceEditPlan> {
      const connection = await loadActiveConnection(db, input.connectionId);
      const master = await liveEventRow(db, connection.id, input.eventId, 'Event');
      if (master.eventKind !== 'seriesMaster' || !master.recurrence) throw notASeries();
      await requireWritableCalendar(db, connection.id, master.externalCalendarId);
      const series = versionFromRow(master);
      const at = occurrenceTime(series.start, input.originalStart);
      if (!at) throw notFoundFailure('Occurrence');
      const rules = { start: series.start, recurrence: series.recurrence ?? [] };

      if (input.scope === 'this') {
        const row = await occurrenceRow(master, at);
        if (row) {
          if (row.status === 'cancelled') throw notFoundFailure('Occurrence');
          return { kind: 'event', eventId: row.id };
        }
        if (!isOccurrenceOf(rules, at)) throw notFoundFailure('Occurrence');
        return { kind: 'occurrence', masterEventId: master.id, originalStart: at };
      }

      const split = splitSeries(rules, at);
      switch (split.kind) {
        case 'not_an_occurrence':
          throw notFoundFailure('Occurrence');
        case 'unsupported':
          throw unsupportedRecurrence();
        case 'whole_series':
          return { kind: 'event', eventId: master.id };
        case 'split': {
          const first: EventVersion = { ...series, start: at, end: endAfter(series, at), recurrence: split.continuingRecurrence };
          const continuation = 'edit' in input.change ? applyEdit(first, input.change.edit) : null;
          return { kind: 'split', masterEventId: master.id, splitStart: at, endedRecurrence: split.endedRecurrence, continuation };
        }
      }
    },

    async applyOccurrenceEdit(input: OccurrenceEditRequest & { plan: OccurrenceEditPlan }): Promise<EditedOccurrence> {
      const connection = await loadActiveConnection(db, input.connectionId);
      const { plan, change } = input;
      const meta: ChangeMeta = { direction: 'outbound', source: 'api', actor: input.actor };
      const localModifiedAt = input.requestedAt ? Date.parse(input.requestedAt) : Date.now();
      const target = (base: EventVersion): EventVersion =>
        'cancel' in change ? { ...base, status: 'cancelled' } : applyEdit(base, change.edit);
      const attendees = 'edit' in change && change.edit.attendees ? { extraPatch: { attendees: change.edit.attendees } } : {};
      const write = (row: EventRowModel) => writeThrough({ connection, row, target, ...attendees, localModifiedAt, meta });

      switch (plan.kind) {
        case 'event': {
          const row = await liveEventRow(db, connection.id, plan.eventId, 'Occurrence');
          const result = await write(row);
          if (row.eventKind === 'seriesMaster' && result.row.status === 'cancelled') {
            await removeOccurrencesFrom(connection, row, versionFromRow(row).start, meta, null);
          }
          return edited(result, input.eventId);
        }
        case 'occurrence': {
          const master = await liveEventRow(db, connection.id, plan.masterEventId, 'Event');
          const row = (await occurrenceRow(master, plan.originalStart)) ?? (await storeOccurrence(connection, master, plan.originalStart));
          if (row.status === 'cancelled') throw notFoundFailure('Occurrence');
          return edited(await write(row), input.eventId);
        }
        case 'split': {
          const master = await liveEventRow(db, connection.id, plan.masterEventId, 'Event');
          const continuation = plan.continuation ? await createContinuation(connection, master, plan.continuation, input, meta) : null;
          // Exceptions first: once the rule ends, Graph drops them, calendar-side edits included.
          const removed = await removeOccurrencesFrom(connection, master, plan.splitStart, meta, { localModifiedAt });
          const ended = await writeThrough({
            connection,
            row: (await db.calendarEvent.findUnique({ where: { id: master.id } })) ?? master,
            target: (base) => ({ ...base, recurrence: plan.endedRecurrence }),
            localModifiedAt,
            meta,
          });
          await removeOccurrencesFrom(connection, master, plan.splitStart, meta, null);
          const conflicted = [ended, ...removed].find((one) => one.conflictId);
          const result = edited(
            conflicted ? { ...ended, conflictId: conflicted.conflictId, resolution: conflicted.resolution } : ended,
            input.eventId,
          );
          return continuation ? { ...result, eventId: continuation.id, status: continuation.status } : result;
        }
      }
    },
  };
}
