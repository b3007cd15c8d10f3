// Meetings scheduled from the CRM: the calendar event row and its linked CRM activity, written together.
import type { Db } from '../db/client';
import { contentHash, eventRecordFromProvider } from '../domain/event-record';
import type { ProviderEvent } from '../domain/events';
import { versionFromRow } from '../domain/merge/event-version';
import type { EventRowModel } from './events';
import { recordChange } from './event-versions';

export interface ScheduledMeetingRecord {
  connection: { id: string; organizationId: string; userId: string };
  calendarId: string;
  requestId: string;
  /** The event as the provider created it. */
  created: ProviderEvent;
  meeting: { title: string; contactId?: string | null };
}

/**
 * Stores a meeting the provider just created, with its CRM activity and a "created" history entry. A sync
 * may have seen the new event first and stored it as inbound: that row becomes our meeting.
 */
export async function storeScheduledMeeting(db: Db, input: ScheduledMeetingRecord): Promise<EventRowModel> {
  const { connection, calendarId, requestId, created } = input;
  const fields = eventRecordFromProvider(created);
  return db.$transaction(async (tx) => {
    const activity = await tx.crmActivity.create({
      data: {
        organizationId: connection.organizationId,
        ownerUserId: connection.userId,
        type: 'meeting',
        subject: input.meeting.title,
        contactId: input.meeting.contactId ?? null,
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
    const unique = { connectionId: connection.id, externalCalendarId: calendarId, externalEventId: created.externalId };
    const saved = await tx.calendarEvent.upsert({
      where: { connectionId_externalCalendarId_externalEventId: unique },
      create: { organizationId: connection.organizationId, ...unique, ...data },
      // Stored by a sync first: a listing has returned it already.
      update: { ...data, echoedAt: new Date() },
    });
    await recordChange(tx, saved, { direction: 'outbound', source: 'api', actor: connection.userId }, null, versionFromRow(saved));
    return saved;
  });
}
