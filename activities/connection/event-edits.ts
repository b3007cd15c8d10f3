// CRM-side edits of synced events (inbound ones included) and manual resolution of recorded conflicts,
// both written through to the provider (event-write.ts) from inside the connection workflow's lock.
import { ApplicationFailure } from '@temporalio/common';
import { applyEdit, type EventEdit } from '../../domain/event-edit';
import type { EventVersion } from '../../domain/merge/event-version';
import type { EditedEvent, ResolvedConflict } from '../../workflows/connection/messages';
import { notFoundFailure } from '../failures';
import { liveEventRow, loadActiveConnection, requireWritableCalendar } from './connection-rows';
import type { ConnectionActivityDeps } from './dependencies';
import { createEventWriter } from './event-write';

/** A stored version JSON (conflict records add `modifiedAt`, which is not part of the version). */
function storedVersion(json: string): EventVersion {
  const { status, title, description, location, start, end, recurrence } = JSON.parse(json) as EventVersion;
  return { status, title, description, location, start, end, recurrence };
}

export function createEventEditActivities(deps: ConnectionActivityDeps) {
  const { db } = deps;
  const writeThrough = createEventWriter(deps);

  const requireWritable = (connectionId: string, externalCalendarId: string) =>
    requireWritableCalendar(db, connectionId, externalCalendarId);

  return {
    async editEvent(input: {
      connectionId: string;
      eventId: string;
      edit: EventEdit;
      actor: string;
      requestedAt?: string;
    }): Promise<EditedEvent> {
      const connection = await loadActiveConnection(db, input.connectionId);
      const event = await liveEventRow(db, input.connectionId, input.eventId);
      await requireWritable(connection.id, event.externalCalendarId);
      const { row, conflictId, resolution } = await writeThrough({
        connection,
        row: event,
        target: (base) => applyEdit(base, input.edit),
        ...(input.edit.attendees ? { extraPatch: { attendees: input.edit.attendees } } : {}),
        localModifiedAt: input.requestedAt ? Date.parse(input.requestedAt) : Date.now(),
        meta: { direction: 'outbound', source: 'api', actor: input.actor },
      });
      return { eventId: row.id, status: row.status, ...(conflictId && resolution ? { conflict: { id: conflictId, resolution } } : {}) };
    },

    async resolveConflict(input: {
      connectionId: string;
      conflictId: string;
      choice: 'local' | 'remote' | 'merged';
      merged?: EventEdit;
      actor: string;
    }): Promise<ResolvedConflict> {
      const connection = await loadActiveConnection(db, input.connectionId);
      const conflict = await db.eventConflict.findFirst({
        where: { id: input.conflictId, event: { connectionId: input.connectionId } },
        include: { event: true },
      });
      if (!conflict) throw notFoundFailure('Conflict');
      const chosen =
        input.choice === 'local'
          ? storedVersion(conflict.localVersion)
          : input.choice === 'remote'
            ? storedVersion(conflict.remoteVersion)
            : applyEditOrKeep(storedVersion(conflict.resolvedVersion ?? conflict.localVersion), input.merged);
      if (chosen.status !== 'cancelled' && conflict.event.status === 'cancelled') {
        throw ApplicationFailure.create({
          type: 'event_deleted',
          message: 'The event is deleted in the calendar; it cannot take that version',
          nonRetryable: true,
        });
      }
      await requireWritable(connection.id, conflict.event.externalCalendarId);
      const { row } = await writeThrough({
        connection,
        row: conflict.event,
        target: () => chosen,
        localModifiedAt: Date.now(),
        meta: { direction: 'outbound', source: 'conflict_resolution', actor: input.actor },
        manual: true,
      });
      await db.eventConflict.update({
        where: { id: conflict.id },
        data: {
          policy: 'manual',
          resolution: input.choice,
          resolvedVersion: JSON.stringify(chosen),
          resolvedBy: input.actor,
          resolvedAt: new Date(),
        },
      });
      return { conflictId: conflict.id, eventId: row.id, choice: input.choice, status: row.status };
    },
  };
}

function applyEditOrKeep(version: EventVersion, edit: EventEdit | undefined): EventVersion {
  return edit ? applyEdit(version, edit) : version;
}
