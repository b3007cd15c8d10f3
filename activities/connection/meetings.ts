// Outbound meetings: scheduled, rescheduled and cancelled from the CRM, written to the provider and
// recorded with their linked CRM activity. Scheduling is idempotent per request id at every layer: the
// database row (unique per connection and request id), the provider (client-chosen id / transactionId)
// and the workflow update id.
import { Context } from '@temporalio/activity';
import { contentHash, eventRecordFromProvider } from '../../domain/event-record';
import { versionFromRow } from '../../domain/merge/event-version';
import type { MeetingChange, ResolvedMeeting } from '../../domain/meeting';
import type { EventInput } from '../../providers/types';
import type { ScheduledMeeting } from '../../workflows/connection/messages';
import { notFoundFailure } from '../failures';
import { loadActiveConnection, writeTargetCalendar } from './connection-rows';
import type { ConnectionActivityDeps } from './dependencies';
import { recordChange } from './event-changes';
import { createEventWriter } from './event-write';

/** When the workflow asked for this change: the CRM side's time in last-write-wins (stable across retries). */
function requestedAt(): number {
  return Context.current().info.scheduledTimestampMs;
}

type EventRow = { id: string; externalEventId: string; externalCalendarId: string; activityId: string | null; startAt: Date; endAt: Date };

function toScheduled(row: EventRow): ScheduledMeeting {
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

function toEventInput(
  meeting: Pick<ResolvedMeeting, 'title' | 'description' | 'location' | 'start' | 'end' | 'timeZone' | 'attendees'>,
): EventInput {
  return {
    title: meeting.title,
    description: meeting.description,
    location: meeting.location,
    start: { kind: 'dateTime', dateTime: new Date(meeting.start).toISOString(), timeZone: meeting.timeZone },
    end: { kind: 'dateTime', dateTime: new Date(meeting.end).toISOString(), timeZone: meeting.timeZone },
    attendees: meeting.attendees,
  };
}

export function createMeetingActivities(deps: ConnectionActivityDeps) {
  const { db, providers, tokens } = deps;

  const writeThrough = createEventWriter(deps);

  async function outboundEvent(connectionId: string, eventId: string) {
    const event = await db.calendarEvent.findFirst({ where: { id: eventId, connectionId, syncDirection: 'outbound' } });
    if (!event || event.status === 'cancelled') throw notFoundFailure('Meeting');
    return event;
  }

  return {
    async scheduleMeeting(input: { connectionId: string; requestId: string; meeting: ResolvedMeeting }): Promise<ScheduledMeeting> {
      const { connectionId, requestId, meeting } = input;
      const already = await db.calendarEvent.findUnique({ where: { connectionId_requestId: { connectionId, requestId } } });
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
      const fields = eventRecordFromProvider(created);

      const row = await db.$transaction(async (tx) => {
        const activity = await tx.crmActivity.create({
          data: {
            organizationId: connection.organizationId,
            ownerUserId: connection.userId,
            type: 'meeting',
            subject: meeting.title,
            contactId: meeting.contactId ?? null,
            startAt: fields.startAt,
            endAt: fields.endAt,
          },
        });
        const data = {
          etag: created.version,
          contentHash: contentHash(fields),
          syncDirection: 'outbound',
          activityId: activity.id,
          requestId,
          externalUpdatedAt: new Date(created.updatedAt),
          lastSyncedAt: new Date(),
          ...fields,
        };
        // A sync may have seen the new event first and stored it as inbound: it becomes our meeting.
        const saved = await tx.calendarEvent.upsert({
          where: {
            connectionId_externalCalendarId_externalEventId: {
              connectionId,
              externalCalendarId: calendar.externalCalendarId,
              externalEventId: created.externalId,
            },
          },
          create: {
            organizationId: connection.organizationId,
            connectionId,
            externalCalendarId: calendar.externalCalendarId,
            externalEventId: created.externalId,
            ...data,
          },
          update: data,
        });
        await recordChange(tx, saved.id, { direction: 'outbound', source: 'api', actor: connection.userId }, null, versionFromRow(saved));
        return saved;
      });
      return toScheduled(row);
    },

    async rescheduleMeeting(input: {
      connectionId: string;
      eventId: string;
      change: MeetingChange;
      defaultDurationMinutes: number;
    }): Promise<ScheduledMeeting> {
      const { connectionId, eventId, change } = input;
      const connection = await loadActiveConnection(db, connectionId);
      const event = await outboundEvent(connectionId, eventId);
      // The change applies to the version last synced; a concurrent calendar-side edit is merged (see
      // event-write.ts) instead of being overwritten or failing the reschedule.
      const { row } = await writeThrough({
        connection,
        row: event,
        localModifiedAt: requestedAt(),
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
      if (row.status === 'cancelled') throw notFoundFailure('Meeting');
      return toScheduled(row);
    },

    async cancelMeeting(input: { connectionId: string; eventId: string }): Promise<void> {
      const connection = await loadActiveConnection(db, input.connectionId);
      const event = await db.calendarEvent.findFirst({
        where: { id: input.eventId, connectionId: input.connectionId, syncDirection: 'outbound' },
      });
      // Already cancelled (a retried cancel, or deleted in the calendar and synced): the goal is reached.
      if (event?.status === 'cancelled') return;
      if (!event) throw notFoundFailure('Meeting');
      await writeThrough({
        connection,
        row: event,
        localModifiedAt: requestedAt(),
        meta: { direction: 'outbound', source: 'api', actor: connection.userId },
        target: (base) => ({ ...base, status: 'cancelled' }),
      });
    },
  };
}
