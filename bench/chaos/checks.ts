// What must hold after the chaos, each counted so the run can print it and fail on it:
// 1. every calendar at the provider equals the connection's rows (test/helpers/calendar-snapshot.ts);
// 2. no meeting was created twice at the provider: at most one event per Idempotency-Key (its title carries
//    the key), and every meeting the API answered 201 for is there (not lost);
// 3. every reminder delivered once: per meeting answered 201, exactly one pre-meeting notification
//    (pf_notifications) and exactly one reminder.due webhook message; a webhook may legitimately arrive
//    again with the same `webhook-id` (at-least-once delivery), so what is counted is DISTINCT webhook-ids.
//    Duplicates are looked for among every reminder of the run, not only the driver's meetings.
import type { Db } from '../../db/client';
import type { FakeProviderControl } from '../../fakes/types';
import { calendarAtFake, calendarInRows, differences } from '../../test/helpers/calendar-snapshot';
import type { ReceivedWebhook } from '../../test/webhooks/receiver';
import type { Connected } from '../lib/connect-many';
import type { ScheduledMeeting } from './meetings';

export interface CalendarCheck {
  diverged: number;
  examples: string[];
}

export async function checkCalendars(db: Db, fake: FakeProviderControl, connections: Connected[]): Promise<CalendarCheck> {
  const examples: string[] = [];
  let diverged = 0;
  for (const connection of connections) {
    const diff = differences(calendarAtFake(fake, connection.email), await calendarInRows(db, connection.connectionId));
    if (diff.missing.length + diff.extra.length + diff.different.length === 0) continue;
    diverged += 1;
    if (examples.length < 5)
      examples.push(
        `${connection.connectionId}: ${diff.missing.length} missing in rows (${diff.missing.slice(0, 3).join(', ')}), ` +
          `${diff.extra.length} extra rows (${diff.extra.slice(0, 3).join(', ')}), ${diff.different.length} different ` +
          `(${diff.different.slice(0, 3).join(', ')})`,
      );
  }
  return { diverged, examples };
}

export interface MeetingCheck {
  /** Keys with more than one event at the provider. */
  duplicated: number;
  /** Meetings answered 201 with no event at the provider. */
  lost: number;
  examples: string[];
}

export function checkMeetings(fake: FakeProviderControl, meetings: ScheduledMeeting[]): MeetingCheck {
  const examples: string[] = [];
  let duplicated = 0;
  let lost = 0;
  const byAccount = new Map<string, Map<string, number>>();
  const titleCounts = (email: string) => {
    let counts = byAccount.get(email);
    if (!counts) {
      counts = new Map();
      for (const event of fake.listEvents(email)) counts.set(event.title ?? '', (counts.get(event.title ?? '') ?? 0) + 1);
      byAccount.set(email, counts);
    }
    return counts;
  };
  for (const meeting of meetings) {
    const atProvider = titleCounts(meeting.email).get(meeting.title) ?? 0;
    if (atProvider > 1) {
      duplicated += 1;
      if (examples.length < 5) examples.push(`key ${meeting.key}: ${atProvider} events at the provider (${meeting.attempts} requests)`);
    }
    if (meeting.eventId && atProvider === 0) {
      lost += 1;
      if (examples.length < 5) examples.push(`key ${meeting.key}: answered 201 (event ${meeting.eventId}) but not at the provider`);
    }
  }
  return { duplicated, lost, examples };
}

export interface ReminderCheck {
  /** Meetings answered 201 that should have a reminder. */
  expected: number;
  notificationsMissing: number;
  webhooksMissing: number;
  /** Reminders (any meeting) with more than one notification or more than one distinct webhook-id. */
  notificationsDuplicated: number;
  webhooksDuplicated: number;
  /** Same webhook-id received again (allowed: at-least-once delivery). */
  webhookRedeliveries: number;
  examples: string[];
}

export async function checkReminders(db: Db, meetings: ScheduledMeeting[], received: ReceivedWebhook[]): Promise<ReminderCheck> {
  const examples: string[] = [];
  const notifications = await db.notification.findMany({ where: { type: 'calendar.pre_meeting' }, select: { eventId: true } });
  const notificationCount = new Map<string, number>();
  for (const { eventId } of notifications) if (eventId) notificationCount.set(eventId, (notificationCount.get(eventId) ?? 0) + 1);
  const webhookIds = new Map<string, Set<string>>();
  let reminderWebhooks = 0;
  for (const webhook of received) {
    if (webhook.parsed.type !== 'reminder.due') continue;
    reminderWebhooks += 1;
    const eventId = String(webhook.parsed.data.eventId);
    webhookIds.set(eventId, (webhookIds.get(eventId) ?? new Set()).add(webhook.id));
  }
  const expected = meetings.filter((meeting) => meeting.eventId);
  const notificationsMissing = expected.filter((meeting) => !notificationCount.has(meeting.eventId!));
  const webhooksMissing = expected.filter((meeting) => !webhookIds.has(meeting.eventId!));
  const notificationsDuplicated = [...notificationCount].filter(([, count]) => count > 1);
  const webhooksDuplicated = [...webhookIds].filter(([, ids]) => ids.size > 1);
  for (const meeting of notificationsMissing.slice(0, 3))
    examples.push(`no notification for meeting ${meeting.eventId} (start ${new Date(meeting.start).toISOString()})`);
  for (const meeting of webhooksMissing.slice(0, 3))
    examples.push(`no reminder.due webhook for meeting ${meeting.eventId} (start ${new Date(meeting.start).toISOString()})`);
  for (const [eventId, count] of notificationsDuplicated.slice(0, 3)) examples.push(`${count} notifications for event ${eventId}`);
  for (const [eventId, ids] of webhooksDuplicated.slice(0, 3))
    examples.push(`${ids.size} distinct reminder.due messages for event ${eventId}`);
  const distinct = [...webhookIds.values()].reduce((sum, ids) => sum + ids.size, 0);
  return {
    expected: expected.length,
    notificationsMissing: notificationsMissing.length,
    webhooksMissing: webhooksMissing.length,
    notificationsDuplicated: notificationsDuplicated.length,
    webhooksDuplicated: webhooksDuplicated.length,
    webhookRedeliveries: reminderWebhooks - distinct,
    examples,
  };
}
