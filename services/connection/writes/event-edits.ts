// CRM-side edits of synced events (inbound ones included) and manual resolution of recorded conflicts,
// both written through to the provider (write-through.ts) from inside the connection workflow's lock.
import { requireWritableCalendar } from '../../../data/calendars';
import { conflictOfConnection, recordManualResolution, storedVersion } from '../../../data/conflicts';
import { loadActiveConnection } from '../../../data/connections';
import { liveEventRow } from '../../../data/events';
import { applyEdit, type EventEdit } from '../../../domain/event-edit';
import { requireEditableEventType } from '../../../domain/event-types';
import { Failure, notFound } from '../../../domain/failures';
import type { EventVersion } from '../../../domain/merge/event-version';
import type { EditedEvent, ResolvedConflict } from '../../../workflows/connection/messages';
import type { ServiceDependencies } from '../../dependencies';
import { writeThrough } from './write-through';

type Deps = Pick<ServiceDependencies, 'db' | 'providers' | 'tokens'>;

export async function editEvent(
  deps: Deps,
  input: { connectionId: string; eventId: string; edit: EventEdit; actor: string; requestedAt?: string },
): Promise<EditedEvent> {
  const connection = await loadActiveConnection(deps.db, input.connectionId);
  const event = await liveEventRow(deps.db, input.connectionId, input.eventId);
  requireEditableEventType(event.eventType);
  await requireWritableCalendar(deps.db, connection.id, event.externalCalendarId);
  const { row, conflictId, resolution } = await writeThrough(deps, {
    connection,
    row: event,
    target: (base) => applyEdit(base, input.edit),
    ...(input.edit.attendees ? { extraPatch: { attendees: input.edit.attendees } } : {}),
    localModifiedAt: input.requestedAt ? Date.parse(input.requestedAt) : Date.now(),
    meta: { direction: 'outbound', source: 'api', actor: input.actor },
  });
  return { eventId: row.id, status: row.status, ...(conflictId && resolution ? { conflict: { id: conflictId, resolution } } : {}) };
}

export async function resolveConflict(
  deps: Deps,
  input: { connectionId: string; conflictId: string; choice: 'local' | 'remote' | 'merged'; merged?: EventEdit; actor: string },
): Promise<ResolvedConflict> {
  const connection = await loadActiveConnection(deps.db, input.connectionId);
  const conflict = await conflictOfConnection(deps.db, input.connectionId, input.conflictId);
  if (!conflict) throw notFound('Conflict');
  const chosen =
    input.choice === 'local'
      ? storedVersion(conflict.localVersion)
      : input.choice === 'remote'
        ? storedVersion(conflict.remoteVersion)
        : applyEditOrKeep(storedVersion(conflict.resolvedVersion ?? conflict.localVersion), input.merged);
  if (chosen.status !== 'cancelled' && conflict.event.status === 'cancelled') {
    throw new Failure('event_deleted', 'The event is deleted in the calendar; it cannot take that version');
  }
  requireEditableEventType(conflict.event.eventType);
  await requireWritableCalendar(deps.db, connection.id, conflict.event.externalCalendarId);
  const { row } = await writeThrough(deps, {
    connection,
    row: conflict.event,
    target: () => chosen,
    localModifiedAt: Date.now(),
    meta: { direction: 'outbound', source: 'conflict_resolution', actor: input.actor },
    manual: true,
  });
  await recordManualResolution(deps.db, conflict.id, { choice: input.choice, version: chosen, actor: input.actor });
  return { conflictId: conflict.id, eventId: row.id, choice: input.choice, status: row.status };
}

function applyEditOrKeep(version: EventVersion, edit: EventEdit | undefined): EventVersion {
  return edit ? applyEdit(version, edit) : version;
}
