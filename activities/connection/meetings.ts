// Outbound meetings: scheduled, rescheduled and cancelled from the CRM, written to the provider and
// recorded with their linked CRM activity. Scheduling is idempotent per request id at every layer: the
// database row (unique per connection and request id), the provider (client-chosen id / transactionId)
// and the workflow update id.
import { ApplicationFailure } from '@temporalio/common';
import { contentHash, eventRecordFromProvider } from '../../domain/event-record';
import type { MeetingChange, ResolvedMeeting } from '../../domain/meeting';
import { isProviderError } from '../../providers/errors';
import type { EventInput, ProviderEvent } from '../../providers/types';
import type { ScheduledMeeting } from '../../workflows/connection/messages';
import { notFoundFailure } from '../failures';
import { loadActiveConnection, writeTargetCalendar } from './connection-rows';
import type { ConnectionActivityDeps } from './dependencies';

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

function toEventInput(meeting: Pick<ResolvedMeeting, 'title' | 'description' | 'location' | 'start' | 'end' | 'timeZone' | 'attendees'>): EventInput {
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
        return tx.calendarEvent.upsert({
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
      const start = change.start ?? event.startAt.toISOString();
      const currentDuration = (event.endAt.getTime() - event.startAt.getTime()) / 60_000;
      const durationMinutes = change.durationMinutes ?? currentDuration;
      const end = new Date(Date.parse(start) + durationMinutes * 60_000).toISOString();
      const timeZone = change.timeZone ?? event.timeZone ?? 'UTC';
      const adapter = providers.get(connection.provider).adapter;
      let updated: ProviderEvent;
      try {
        updated = await tokens.withAccessToken(connectionId, (auth) =>
          adapter.updateEvent(auth, {
            calendarId: event.externalCalendarId,
            eventId: event.externalEventId,
            ifMatch: event.etag ?? undefined,
            patch: {
              ...(change.title !== undefined ? { title: change.title } : {}),
              ...(change.description !== undefined ? { description: change.description } : {}),
              ...(change.location !== undefined ? { location: change.location } : {}),
              ...(change.attendees !== undefined ? { attendees: change.attendees } : {}),
              start: { kind: 'dateTime', dateTime: new Date(start).toISOString(), timeZone },
              end: { kind: 'dateTime', dateTime: end, timeZone },
            },
          }),
        );
      } catch (error) {
        if (isProviderError(error, 'version_conflict')) {
          throw ApplicationFailure.create({
            type: 'version_conflict',
            message: 'The meeting was changed in the calendar since it was last synced; sync and try again',
            nonRetryable: true,
          });
        }
        throw error;
      }
      const fields = eventRecordFromProvider(updated);
      const row = await db.$transaction(async (tx) => {
        const saved = await tx.calendarEvent.update({
          where: { id: event.id },
          data: { etag: updated.version, contentHash: contentHash(fields), externalUpdatedAt: new Date(updated.updatedAt), lastSyncedAt: new Date(), ...fields },
        });
        if (saved.activityId) {
          await tx.crmActivity.update({
            where: { id: saved.activityId },
            data: { subject: fields.title ?? undefined, startAt: fields.startAt, endAt: fields.endAt },
          });
        }
        return saved;
      });
      return toScheduled(row);
    },

    async cancelMeeting(input: { connectionId: string; eventId: string }): Promise<void> {
      const connection = await loadActiveConnection(db, input.connectionId);
      const event = await outboundEvent(input.connectionId, input.eventId);
      const adapter = providers.get(connection.provider).adapter;
      try {
        await tokens.withAccessToken(connection.id, (auth) =>
          adapter.deleteEvent(auth, { calendarId: event.externalCalendarId, eventId: event.externalEventId }),
        );
      } catch (error) {
        // Already gone at the provider (deleted there, or a retried delete): the goal is reached.
        if (!isProviderError(error, 'not_found')) throw error;
      }
      await db.$transaction(async (tx) => {
        await tx.calendarEvent.update({ where: { id: event.id }, data: { status: 'cancelled', lastSyncedAt: new Date() } });
        if (event.activityId) await tx.crmActivity.update({ where: { id: event.activityId }, data: { status: 'cancelled' } });
      });
    },
  };
}
