// Outbound meetings: scheduled, rescheduled and cancelled from the CRM, written to the provider and
// recorded with their linked CRM activity. Scheduling is idempotent per request id at every layer: the
// database row (unique per connection and request id), the provider (client-chosen id / transactionId)
// and the workflow update id.
import { loadActiveConnection } from '../../../data/connections';
import { meetingByRequestId, outboundEventRow, type EventRowModel } from '../../../data/events';
import { storeScheduledMeeting } from '../../../data/meetings';
import type { EventInput } from '../../../domain/events';
import { notFound } from '../../../domain/failures';
import type { MeetingChange, ResolvedMeeting } from '../../../domain/meeting';
import type { ScheduledMeeting } from '../../../workflows/connection/messages';
import type { ServiceDependencies } from '../../dependencies';
import { writeTargetCalendar } from '../calendars';
import { writeThrough } from './write-through';

type Deps = Pick<ServiceDependencies, 'db' | 'providers' | 'tokens'>;

function toScheduled(row: EventRowModel): ScheduledMeeting {
  return {
    eventId: row.id,
    externalEventId: row.externalEventId,
    activityId: row.activityId!,
    calendarId: row.externalCalendarId,
    start: row.startAt.toISOString(),
    end: row.endAt.toISOString(),
    durationMinutes: Math.round((row.endAt.getTime() - row.startAt.getTime()) / 60_000),
  };
}

function toEventInput(meeting: ResolvedMeeting): EventInput {
  return {
    title: meeting.title,
    description: meeting.description,
    location: meeting.location,
    start: { kind: 'dateTime', dateTime: new Date(meeting.start).toISOString(), timeZone: meeting.timeZone },
    end: { kind: 'dateTime', dateTime: new Date(meeting.end).toISOString(), timeZone: meeting.timeZone },
    attendees: meeting.attendees,
  };
}

export async function scheduleMeeting(
  deps: Deps,
  input: { connectionId: string; requestId: string; meeting: ResolvedMeeting },
): Promise<ScheduledMeeting> {
  const { db, providers, tokens } = deps;
  const { connectionId, requestId, meeting } = input;
  const already = await meetingByRequestId(db, connectionId, requestId);
  if (already) return toScheduled(already);

  const connection = await loadActiveConnection(db, connectionId);
  const calendar = await writeTargetCalendar(deps, connection);
  const adapter = providers.get(connection.provider).adapter;
  const created = await tokens.withAccessToken(connectionId, (auth) =>
    adapter.createEvent(auth, {
      calendarId: calendar.externalCalendarId,
      event: toEventInput(meeting),
      idempotencyKey: `${connectionId}:${requestId}`,
    }),
  );
  const row = await storeScheduledMeeting(db, { connection, calendarId: calendar.externalCalendarId, requestId, created, meeting });
  return toScheduled(row);
}

/**
 * Applies the change to the version last synced; a concurrent calendar-side edit is merged (see
 * write-through.ts) instead of being overwritten or failing the reschedule. `requestedAt` (ms) is the CRM
 * side's time in last-write-wins.
 */
export async function rescheduleMeeting(
  deps: Deps,
  input: { connectionId: string; eventId: string; change: MeetingChange; defaultDurationMinutes: number; requestedAt: number },
): Promise<ScheduledMeeting> {
  const { connectionId, eventId, change } = input;
  const connection = await loadActiveConnection(deps.db, connectionId);
  const event = await outboundEventRow(deps.db, connectionId, eventId);
  if (!event || event.status === 'cancelled') throw notFound('Meeting');
  const { row } = await writeThrough(deps, {
    connection,
    row: event,
    localModifiedAt: input.requestedAt,
    meta: { direction: 'outbound', source: 'api', actor: connection.userId },
    extraPatch: change.attendees !== undefined ? { attendees: change.attendees } : undefined,
    target: (base) => {
      const currentStart = base.start.kind === 'dateTime' ? Date.parse(base.start.dateTime) : event.startAt.getTime();
      const currentDuration = (event.endAt.getTime() - event.startAt.getTime()) / 60_000;
      const start = change.start ? Date.parse(change.start) : currentStart;
      const durationMinutes = change.durationMinutes ?? currentDuration;
      const timeZone = change.timeZone ?? event.timeZone ?? 'UTC';
      const moved = change.start !== undefined || change.durationMinutes !== undefined || change.timeZone !== undefined;
      return {
        ...base,
        ...(change.title !== undefined ? { title: change.title } : {}),
        ...(change.description !== undefined ? { description: change.description || null } : {}),
        ...(change.location !== undefined ? { location: change.location || null } : {}),
        ...(moved
          ? {
              start: { kind: 'dateTime' as const, dateTime: new Date(start).toISOString(), timeZone },
              end: { kind: 'dateTime' as const, dateTime: new Date(start + durationMinutes * 60_000).toISOString(), timeZone },
            }
          : {}),
      };
    },
  });
  if (row.status === 'cancelled') throw notFound('Meeting');
  return toScheduled(row);
}

export async function cancelMeeting(deps: Deps, input: { connectionId: string; eventId: string; requestedAt: number }): Promise<void> {
  const connection = await loadActiveConnection(deps.db, input.connectionId);
  const event = await outboundEventRow(deps.db, input.connectionId, input.eventId);
  // Already cancelled (a retried cancel, or deleted in the calendar and synced): the goal is reached.
  if (event?.status === 'cancelled') return;
  if (!event) throw notFound('Meeting');
  await writeThrough(deps, {
    connection,
    row: event,
    localModifiedAt: input.requestedAt,
    meta: { direction: 'outbound', source: 'api', actor: connection.userId },
    target: (base) => ({ ...base, status: 'cancelled' }),
  });
}
