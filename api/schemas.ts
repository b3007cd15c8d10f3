// Every request and response shape of the API as zod schemas. Handlers validate with these, and
// api/openapi.ts turns the very same objects into the OpenAPI document, so the two cannot drift.
import { z } from 'zod';
import { eventEditSchema, occurrenceEditSchema, occurrenceScopeSchema, occurrenceStartSchema } from '../domain/event-edit';
import { meetingFieldsSchema, requestIdSchema } from '../domain/meeting';
import { moduleSettingsPatchSchema, moduleSettingsSchema, SETTING_RANGES } from '../domain/settings';

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_FREEBUSY_DAYS = 62;
export const MAX_FREEBUSY_USERS = 50;

const isoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with offset' });
const id = z.uuid({ error: 'must be a UUID' });
const userId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\s]+$/, { error: 'must not contain whitespace' });

export const providerIdSchema = z.enum(['google', 'microsoft'], { error: 'must be google or microsoft' });

// ----- path parameters and headers ---------------------------------------------------------------------

export const connectionParams = z.strictObject({ connectionId: id });
export const meetingParams = z.strictObject({ connectionId: id, eventId: id });
export const oauthCallbackParams = z.strictObject({ provider: providerIdSchema });
/** Express lower-cases header names; only the header this API reads is described. */
export const idempotencyHeaders = z.object({ 'idempotency-key': requestIdSchema });

// ----- requests -----------------------------------------------------------------------------------------

export const createConnectionBody = z.strictObject({
  provider: providerIdSchema,
  loginHint: z.email({ error: 'must be an email address' }).max(254).optional(),
});

export const scheduleMeetingBody = meetingFieldsSchema;
/**
 * A reschedule names only what changes. Built from the meeting fields without their defaults: the shared
 * meetingChangeSchema keeps `timeZone`/`attendees` defaults, so `{}` would pass and an absent field would
 * read as "reset to UTC / no attendees" (reported to the workflow owner).
 */
const meetingShape = meetingFieldsSchema.shape;
export const rescheduleMeetingBody = z
  .strictObject({
    title: meetingShape.title,
    start: meetingShape.start,
    durationMinutes: meetingShape.durationMinutes,
    timeZone: meetingShape.timeZone.unwrap(),
    attendees: meetingShape.attendees.unwrap(),
    description: meetingShape.description,
    location: meetingShape.location,
  })
  .partial()
  .refine((change) => Object.keys(change).length > 0, { error: 'name at least one field to change' });

/** A list's `limit` query parameter: a whole number from 1 to `max`, `fallback` when absent. */
export function pageLimit(max: number, fallback: number) {
  const message = `must be a whole number from 1 to ${max}`;
  return z.coerce
    .number({ error: message })
    .int({ error: message })
    .min(1, { error: message })
    .max(max, { error: message })
    .default(fallback);
}

const eventsQueryShape = {
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  direction: z.enum(['inbound', 'outbound'], { error: 'must be inbound or outbound' }).optional(),
  limit: pageLimit(MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
  cursor: z.string().min(1).max(512).optional(),
};

const windowOrdered = (value: { from?: string; to?: string }) => !value.from || !value.to || Date.parse(value.from) < Date.parse(value.to);

export const connectionEventsQuery = z
  .strictObject(eventsQueryShape)
  .refine(windowOrdered, { error: 'from must be before to', path: ['to'] });
export const orgEventsQuery = z
  .strictObject({ ...eventsQueryShape, userId: userId.optional() })
  .refine(windowOrdered, { error: 'from must be before to', path: ['to'] });

export const freeBusyBody = z
  .strictObject({
    userIds: z
      .array(userId)
      .max(MAX_FREEBUSY_USERS, { error: `at most ${MAX_FREEBUSY_USERS} users` })
      .default([]),
    /** Attendee addresses: matched against the organization's connected calendar accounts. */
    emails: z
      .array(z.email({ error: 'must be an email address' }).max(254))
      .max(MAX_FREEBUSY_USERS, { error: `at most ${MAX_FREEBUSY_USERS} addresses` })
      .default([]),
    from: isoDateTime,
    to: isoDateTime,
  })
  .refine((value) => value.userIds.length + value.emails.length > 0, { error: 'name at least one user or email', path: ['userIds'] })
  .refine((value) => value.userIds.length + value.emails.length <= MAX_FREEBUSY_USERS, {
    error: `at most ${MAX_FREEBUSY_USERS} users and addresses together`,
    path: ['emails'],
  })
  .refine((value) => Date.parse(value.from) < Date.parse(value.to), { error: 'from must be before to', path: ['to'] })
  .refine((value) => Date.parse(value.to) - Date.parse(value.from) <= MAX_FREEBUSY_DAYS * 86_400_000, {
    error: `the window may span at most ${MAX_FREEBUSY_DAYS} days`,
    path: ['to'],
  });

export const settingsPatchBody = moduleSettingsPatchSchema.refine((patch) => Object.keys(patch).length > 0, {
  error: 'name at least one setting to change',
});

/** Providers add their own parameters (scope, authuser, session_state...): extra ones are ignored here. */
export const oauthCallbackQuery = z.object({
  code: z.string().min(1).max(4096).optional(),
  state: z.string().min(1).max(512).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(2048).optional(),
});

// ----- responses (documentation; handlers build these shapes) -------------------------------------------

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

export const providerResponse = z.object({
  id: providerIdSchema,
  name: z.string(),
  description: z.string(),
  icon: z.string(),
  scopes: z.array(z.string()),
  capabilities: z.object({
    freeBusy: z.boolean(),
    push: z.enum(['watch-channel', 'subscription', 'none']),
    maxPushTtlMinutes: z.number(),
    idempotentCreate: z.boolean(),
    conditionalUpdate: z.boolean(),
    rotatesRefreshTokens: z.boolean(),
  }),
  mode: z.enum(['sandbox', 'production']),
});

export const authorizationResponse = z.object({ authorizationUrl: z.url(), expiresAt: isoDateTime });

const health = z
  .enum(['active', 'needs_attention', 'needs_reconnect', 'error', 'disconnected'])
  .describe('needs_attention: syncing, but the mass-delete breaker holds deletions (see heldDeletions)');

const calendarIssue = z.object({
  calendarId: z.string(),
  name: z.string(),
  code: z.string().describe('permission_denied, not_found, or (removed) why the calendar left the selection'),
  at: z.string(),
  removed: z.boolean().describe('Gone at the provider (deleted or unshared): dropped from the selection, its events marked gone'),
});

export const heldDeletionsSchema = z.object({
  calendarId: z.string(),
  name: z.string(),
  pending: z.number().int().describe('Deletions waiting for confirm or dismiss'),
  stored: z.number().int().describe("The calendar's live events when the breaker tripped"),
  reason: z.string().describe('share: more than the allowed share at once; empty_listing: a full read found no event'),
  since: isoDateTime,
});

export const connectionResponse = z.object({
  id,
  provider: providerIdSchema,
  accountEmail: z.string(),
  status: health.describe('As stored in the database'),
  health: health.nullable().describe("The workflow's view; null when the workflow did not answer"),
  workflowReachable: z.boolean(),
  syncing: z.boolean().nullable().describe('A sync is running or about to run; null when the workflow did not answer'),
  lastSync: z
    .object({
      at: isoDateTime,
      outcome: z.enum(['ok', 'error']),
      upserted: z.number(),
      deleted: z.number(),
      unchanged: z.number(),
      fullResync: z.boolean(),
    })
    .nullable(),
  nextSyncAt: isoDateTime.nullable(),
  lastError: z.object({ code: z.string(), message: z.string(), at: isoDateTime }).nullable(),
  pushChannelExpiresAt: isoDateTime.nullable(),
  pendingReminders: z.number().int().nullable(),
  nextReminderAt: isoDateTime.nullable(),
  syncedEvents: z.number().int().nullable(),
  migrationRequired: z.boolean(),
  oauthClient: z.enum(['organization', 'platform_default']),
  managedBy: z
    .enum(['user', 'organization'])
    .describe('organization: enrolled by an admin (organization connection); its user cannot disconnect it'),
  createdAt: isoDateTime,
  disconnectedAt: isoDateTime.nullable(),
  calendarIssues: z.array(calendarIssue).nullable().describe('Calendars whose own sync failed, or that were removed at the provider'),
  heldDeletions: z.array(heldDeletionsSchema).nullable(),
  push: z
    .object({
      available: z.boolean(),
      reason: z.object({ code: z.string(), message: z.string() }).optional(),
    })
    .nullable()
    .describe('Push notifications; when unavailable, why (polling carries on)'),
  lastReconcile: z
    .object({ at: isoDateTime, calendars: z.number().int(), repaired: z.number().int() })
    .nullable()
    .describe('The last daily reconciliation (a full read compared with the stored events)'),
  nextReconcileAt: isoDateTime.nullable(),
});

export const resolveHeldDeletionsBody = z.strictObject({
  decision: z
    .enum(['confirm', 'dismiss'], { error: 'must be confirm or dismiss' })
    .describe('confirm applies the deletions; dismiss keeps the events'),
});

export const heldDeletionsParams = z.strictObject({
  connectionId: id,
  calendarId: z.string().min(1).max(1024).describe('The external calendar id (as in heldDeletions)'),
});

export const heldDeletionsResolutionResponse = z.object({
  calendarId: z.string(),
  decision: z.enum(['confirm', 'dismiss']),
  events: z.number().int().describe('Events marked deleted (confirm) or kept (dismiss)'),
  heldDeletions: z.array(heldDeletionsSchema),
});

export const MAX_CONNECTIONS_PAGE = 200;
export const DEFAULT_CONNECTIONS_PAGE = 100;
export const connectionListQuery = z.strictObject({
  includeDisconnected: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  limit: pageLimit(MAX_CONNECTIONS_PAGE, DEFAULT_CONNECTIONS_PAGE),
  cursor: z.string().min(1).max(512).optional(),
});
export const connectionListResponse = z.object({
  connections: z.array(connectionResponse),
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: z.string().nullable(),
});
export const acceptedResponse = z.object({ connectionId: id, status: z.literal('accepted') });

export const meetingResponse = z.object({
  eventId: id,
  externalEventId: z.string(),
  activityId: z.string(),
  calendarId: z.string(),
  start: isoDateTime,
  end: isoDateTime,
  durationMinutes: z.number().int(),
});
export const cancelledMeetingResponse = z.object({ eventId: id, cancelled: z.literal(true) });

const eventTime = z.object({ at: isoDateTime, date: z.string().nullable() });
export const eventResponse = z.object({
  id,
  connectionId: id,
  userId: z.string(),
  provider: providerIdSchema,
  calendarId: z.string(),
  externalEventId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  status: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  location: z.string().nullable(),
  start: eventTime,
  end: eventTime,
  allDay: z.boolean(),
  timeZone: z.string().nullable(),
  kind: z.string(),
  seriesMasterExternalId: z.string().nullable(),
  activityId: z.string().nullable(),
  organizer: z.object({ email: z.string().nullable(), name: z.string().nullable() }).nullable(),
  attendees: z
    .array(z.object({ email: z.string(), name: z.string().optional(), response: z.string().optional(), optional: z.boolean().optional() }))
    .nullable()
    .describe("Only for the connection's owner; null for other viewers (view-all)"),
  updatedAt: isoDateTime,
  private: z
    .boolean()
    .describe('Marked private in the calendar: anyone but the owner sees only a busy block (no title, place, people, rule or ids)'),
  showAs: z.string().describe('How the event counts in free/busy: busy, free, tentative, oof or workingElsewhere'),
});
export const eventPageResponse = z.object({ events: z.array(eventResponse), nextCursor: z.string().nullable() });

const busyBlocks = z.array(z.object({ start: isoDateTime, end: isoDateTime }));
const freeBusyErrors = z.array(z.object({ connectionId: id, code: z.string() }));
const freeBusySources = z
  .array(
    z.object({
      connectionId: id,
      source: z
        .enum(['synced', 'provider'])
        .describe('synced: answered from the synced events (fresh, see lastSyncAt and pushLive); provider: asked live'),
      lastSyncAt: isoDateTime.nullable().describe('The oldest last sync of the selected calendars (null: not synced yet)'),
      pushLive: z.boolean().describe('Every selected calendar has a live push channel (changes arrive within seconds)'),
    }),
  )
  .describe("Where each connection's part of the answer came from, and how fresh the synced events are");
export const freeBusyResponse = z.object({
  from: isoDateTime,
  to: isoDateTime,
  users: z.array(z.object({ userId: z.string(), busy: busyBlocks, errors: freeBusyErrors, sources: freeBusySources })),
  emails: z
    .array(
      z.object({
        connected: z.boolean().describe('false: no active calendar of the organization has this address (busy is then empty)'),
        busy: busyBlocks,
        errors: freeBusyErrors,
        sources: freeBusySources,
      }),
    )
    .describe('One entry per requested address, in request order (the addresses are not repeated back)'),
});

const settingRange = z.object({ min: z.number().int(), max: z.number().int(), default: z.number().int() });
export const settingsResponse = moduleSettingsSchema.extend({
  updatedAt: isoDateTime.nullable(),
  ranges: z
    .object(
      Object.fromEntries(Object.keys(SETTING_RANGES).map((name) => [name, settingRange])) as Record<
        keyof typeof SETTING_RANGES,
        typeof settingRange
      >,
    )
    .describe("Each setting's allowed range and default, in minutes (what a form shows next to the field)"),
});
export const connectedResponse = z.object({ connectionId: id, provider: providerIdSchema, status: z.literal('connected') });

/** What the callback hands to the return page (in the URL fragment) or to a JSON client, to complete with. */
export const oauthCallbackResponse = z.object({ provider: providerIdSchema, code: z.string(), state: z.string() });

export const completeOAuthBody = z.strictObject({
  provider: providerIdSchema,
  code: z.string().min(1).max(4096),
  state: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,512}$/, { error: 'must be the state the OAuth callback returned' })
    .describe('The state the OAuth callback returned with the code'),
});

// ----- organization OAuth clients and the vault migration (org admins) ------------------------------------

export const oauthClientProviderParams = z.strictObject({ provider: z.enum(['google'], { error: 'must be google' }) });
/** The secret is write-only: stored in the vault, never returned. */
export const putOAuthClientBody = z.strictObject({
  clientId: z
    .string()
    .trim()
    .min(1)
    .max(512)
    .regex(/^[^\s]+$/, { error: 'must not contain whitespace' }),
  clientSecret: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[^\s]+$/, { error: 'must not contain whitespace' }),
});
export const oauthClientResponse = z.object({
  id,
  provider: z.literal('google'),
  clientId: z.string(),
  active: z.boolean(),
  createdAt: isoDateTime,
  connections: z.number().int().describe('Connections (not disconnected) that use this client'),
});
export const oauthClientListResponse = z.object({ clients: z.array(oauthClientResponse) });
export const oauthClientDeactivatedResponse = z.object({ provider: z.literal('google'), deactivated: z.number().int() });

export const vaultMigrationResponse = z.object({
  workflowId: z.string(),
  status: z.enum(['not_started', 'running', 'completed', 'failed']),
  alreadyRunning: z.boolean().optional().describe('POST only: true when a migration was already running (no second one started)'),
  pending: z.number().int().describe("The organization's rows still holding legacy plaintext tokens, counted now in the database"),
  migrated: z.number().int().nullable().describe("The workflow's count of rows it moved into the vault"),
  failed: z.array(z.object({ connectionId: id, reason: z.string() })),
  failedCount: z.number().int(),
  batches: z.number().int().nullable(),
  done: z.boolean(),
});

// ----- two-way sync: event edits, conflicts, change history ----------------------------------------------

export const eventParams = z.strictObject({ connectionId: id, eventId: id });
export const conflictParams = z.strictObject({ conflictId: id });
export const editEventBody = eventEditSchema;

export const occurrenceParams = eventParams.extend({ originalStart: occurrenceStartSchema });
export const occurrenceQuery = z.strictObject({
  scope: occurrenceScopeSchema.default('this').describe('`this` occurrence only, or it and every `following` one (splits the series)'),
});
export const editOccurrenceBody = occurrenceEditSchema;

export const editedOccurrenceResponse = z.object({
  event: eventResponse.describe('The occurrence, the new series that carries on (`following`), or the series when it ended'),
  series: eventResponse.describe('The series the occurrence belonged to, as it is now'),
  conflict: z
    .object({ id, resolution: z.enum(['local', 'remote', 'merged']) })
    .nullable()
    .describe('Set when the calendar had changed too'),
});

export const editedEventResponse = z.object({
  event: eventResponse,
  conflict: z
    .object({ id, resolution: z.enum(['local', 'remote', 'merged']) })
    .nullable()
    .describe('Set when the calendar had changed too'),
});

const versionTime = z.union([
  z.object({ kind: z.literal('dateTime'), dateTime: z.string(), timeZone: z.string() }),
  z.object({ kind: z.literal('date'), date: z.string() }),
]);
export const eventVersionResponse = z.object({
  status: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  location: z.string().nullable(),
  start: versionTime,
  end: versionTime,
  recurrence: z.array(z.string()).nullable(),
  modifiedAt: isoDateTime.optional(),
});

export const conflictsQuery = z.strictObject({
  connectionId: id.optional(),
  policy: z.enum(['last_write_wins', 'manual'], { error: 'must be last_write_wins or manual' }).optional(),
  limit: eventsQueryShape.limit,
});

export const resolveConflictBody = z
  .strictObject({
    choice: z.enum(['local', 'remote', 'merged'], { error: 'must be local, remote or merged' }),
    merged: eventEditSchema.optional(),
  })
  .refine((body) => body.choice === 'merged' || body.merged === undefined, { error: 'only with choice merged', path: ['merged'] });

export const conflictResponse = z.object({
  id,
  eventId: id,
  connectionId: id,
  base: eventVersionResponse.nullable(),
  local: eventVersionResponse,
  remote: eventVersionResponse,
  policy: z.enum(['last_write_wins', 'manual']),
  resolution: z.enum(['local', 'remote', 'merged']).nullable(),
  resolved: eventVersionResponse.nullable(),
  resolvedBy: z.string().nullable().describe('`policy` for the automatic choice, else the user id'),
  createdAt: isoDateTime,
  resolvedAt: isoDateTime.nullable(),
});
export const conflictListResponse = z.object({ conflicts: z.array(conflictResponse) });
export const resolvedConflictResponse = z.object({
  conflictId: id,
  eventId: id,
  choice: z.enum(['local', 'remote', 'merged']),
  status: z.string(),
});

export const eventChangeResponse = z.object({
  id,
  direction: z.enum(['inbound', 'outbound']),
  source: z.enum(['provider', 'api', 'workflow', 'conflict_resolution', 'reconciliation', 'operator']),
  actor: z.string().nullable(),
  before: z.record(z.string(), z.unknown()).nullable().describe('The changed fields before (null: created)'),
  after: z.record(z.string(), z.unknown()),
  at: isoDateTime,
});
export const eventHistoryResponse = z.object({ eventId: id, changes: z.array(eventChangeResponse) });
