// The changes the CRM hears about: their types and the shape of each one's `data`, the same in webhooks
// (Standard Webhooks body `{type, timestamp, data}`) and in the change feed (GET /v1/changes). Payloads
// carry ids and the organization's own data, never tokens or secrets. Pure: the schemas document the
// shapes (OpenAPI `webhooks`) and the mapping says which type a stored change is.
import { z } from 'zod';
import type { EventVersion } from './merge/event-version';

const iso = z.iso.datetime({ offset: true });
const time = z.object({ at: iso.describe('The instant (UTC)'), date: z.string().nullable().describe('yyyy-mm-dd for all-day events') });

/** An event as a change describes it (attendee addresses stay out: the events API has them for the owner). */
export const changedEventSchema = z.object({
  eventId: z.uuid(),
  connectionId: z.uuid(),
  calendarId: z.string(),
  externalEventId: z.string(),
  status: z.string(),
  title: z.string().nullable(),
  location: z.string().nullable(),
  start: time,
  end: time,
  allDay: z.boolean(),
  kind: z.string().describe('single, seriesMaster, occurrence or exception'),
  activityId: z.string().nullable(),
});

/** Where a change came from (the event history's `source`). */
export const changeEventSources = ['provider', 'api', 'workflow', 'conflict_resolution', 'reconciliation', 'operator'] as const;
export type ChangeEventSource = (typeof changeEventSources)[number];

const eventChangeData = z.object({
  event: changedEventSchema,
  /** Where the change came from: the calendar (inbound) or this service on the CRM's behalf (outbound). */
  direction: z.enum(['inbound', 'outbound']),
  source: z.enum(changeEventSources),
  changedFields: z.array(z.string()).describe('The fields that changed; empty for a creation'),
});

export const activityDataSchema = z.object({
  activityId: z.string(),
  eventId: z.uuid().nullable(),
  subject: z.string(),
  startAt: iso,
  endAt: iso,
  status: z.enum(['scheduled', 'cancelled', 'completed']),
  attendeeResponses: z
    .array(z.object({ email: z.string(), response: z.string() }))
    .describe("The attendees' answers as the calendar reports them (the activity's own data)"),
  changedFields: z.array(z.string()),
});

export const CHANGE_EVENT_SCHEMAS = {
  'event.created': eventChangeData.describe('An event appeared in a synced calendar'),
  'event.updated': eventChangeData.describe('A synced event changed (in the calendar, or edited through the API)'),
  'event.deleted': eventChangeData.describe('A synced event was deleted or cancelled'),
  'meeting.scheduled': eventChangeData.describe('A meeting was scheduled from the CRM (it has an activity)'),
  'meeting.updated': eventChangeData.describe('A meeting scheduled from the CRM changed, in the calendar or through the API'),
  'meeting.cancelled': eventChangeData.describe('A meeting scheduled from the CRM was cancelled or deleted'),
  'activity.updated': activityDataSchema.describe("A CRM activity followed its meeting's change in the calendar"),
  'reminder.due': z
    .object({ notificationId: z.uuid(), eventId: z.uuid(), startAt: iso, leadMinutes: z.number().int(), title: z.string() })
    .describe('A pre-meeting reminder is due (also in GET /v1/notifications)'),
  'conflict.created': z
    .object({ conflictId: z.uuid(), eventId: z.uuid(), policy: z.string(), resolution: z.string().nullable() })
    .describe('The CRM and the calendar changed the same event; the policy chose a version'),
  'conflict.resolved': z
    .object({ conflictId: z.uuid(), eventId: z.uuid(), choice: z.enum(['local', 'remote', 'merged']), resolvedBy: z.string() })
    .describe('A person resolved a conflict'),
  'connection.health_changed': z
    .object({
      connectionId: z.uuid(),
      provider: z.string(),
      health: z.string(),
      previousHealth: z.string(),
      errorCode: z.string().nullable(),
    })
    .describe("A connection's health changed (needs reconnect, error, recovery to active, disconnected)"),
  'vault_migration.completed': z
    .object({ workflowId: z.string(), migrated: z.number().int(), failedCount: z.number().int() })
    .describe("The organization's vault migration finished"),
  'task.created': z
    .object({
      taskId: z.uuid(),
      eventId: z.uuid(),
      activityId: z.string().nullable(),
      title: z.string(),
      dueAt: iso.nullable(),
      assigneeUserId: z.string(),
    })
    .describe('A follow-up task was created for an event'),
  'webhook_endpoint.disabled': z
    .object({ endpointId: z.uuid(), url: z.string(), reason: z.string() })
    .describe('A webhook endpoint kept failing and was disabled'),
} as const;

export type ChangeEventType = keyof typeof CHANGE_EVENT_SCHEMAS;
export type ChangeEventData<T extends ChangeEventType> = z.input<(typeof CHANGE_EVENT_SCHEMAS)[T]>;
export const CHANGE_EVENT_TYPES = Object.keys(CHANGE_EVENT_SCHEMAS) as ChangeEventType[];

/**
 * Which type a stored change of an event is. Meetings scheduled from the CRM (they have an activity) are
 * meetings; everything else is an event.
 */
export function eventChangeType(
  row: { activityId: string | null },
  before: Pick<EventVersion, 'status'> | null,
  after: Pick<EventVersion, 'status'>,
): ChangeEventType {
  const meeting = row.activityId !== null;
  if (before === null)
    return after.status === 'cancelled'
      ? meeting
        ? 'meeting.cancelled'
        : 'event.deleted'
      : meeting
        ? 'meeting.scheduled'
        : 'event.created';
  if (after.status === 'cancelled' && before.status !== 'cancelled') return meeting ? 'meeting.cancelled' : 'event.deleted';
  return meeting ? 'meeting.updated' : 'event.updated';
}
