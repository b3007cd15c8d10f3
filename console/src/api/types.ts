// The shapes of the public API's answers that the console reads (the OpenAPI document at /openapi.json is
// the contract; these mirror the parts used here).

export type ProviderId = 'google' | 'microsoft';
/** needs_attention: syncing, but the mass-delete breaker holds deletions (see heldDeletions). */
export type Health = 'active' | 'needs_attention' | 'needs_reconnect' | 'error' | 'disconnected';

export interface Me {
  organizationId: string;
  userId: string;
  permissions: string[];
}

export interface Provider {
  id: ProviderId;
  name: string;
  description: string;
  icon: string;
  scopes: string[];
  mode: 'sandbox' | 'production';
}

export interface Connection {
  id: string;
  provider: ProviderId;
  accountEmail: string;
  status: Health;
  health: Health | null;
  workflowReachable: boolean;
  syncing: boolean | null;
  lastSync: { at: string; outcome: 'ok' | 'error'; upserted: number; deleted: number; unchanged: number; fullResync: boolean } | null;
  nextSyncAt: string | null;
  lastError: { code: string; message: string; at: string } | null;
  pendingReminders: number | null;
  syncedEvents: number | null;
  migrationRequired: boolean;
  oauthClient: 'organization' | 'platform_default';
  createdAt: string;
  /** Calendars whose own sync failed, or that were removed at the provider; null when the workflow did not answer. */
  calendarIssues: CalendarIssue[] | null;
  heldDeletions: HeldDeletions[] | null;
  /** Push notifications; when unavailable, why (polling carries on). */
  push: { available: boolean; reason?: { code: string; message: string } } | null;
  lastReconcile: { at: string; calendars: number; repaired: number } | null;
  nextReconcileAt: string | null;
}

export interface CalendarIssue {
  calendarId: string;
  name: string;
  /** permission_denied, not_found, ... or, for a removed calendar, why it was removed. */
  code: string;
  at: string;
  removed: boolean;
}

/** Deletions of one calendar the mass-delete breaker holds until confirmed or dismissed. */
export interface HeldDeletions {
  calendarId: string;
  name: string;
  pending: number;
  /** The calendar's live events when the breaker tripped. */
  stored: number;
  /** share: more than the allowed share at once; empty_listing: a full read found no event. */
  reason: string;
  since: string;
}

export interface HeldDeletionsResolution {
  calendarId: string;
  decision: 'confirm' | 'dismiss';
  events: number;
  heldDeletions: HeldDeletions[];
}

export interface AppNotification {
  id: string;
  /** calendar.pre_meeting, webhook_endpoint.disabled, ... */
  type: string;
  title: string;
  body: string | null;
  eventId: string | null;
  scheduledFor: string;
  deliveredAt: string | null;
  readAt: string | null;
}

export interface Calendar {
  externalCalendarId: string;
  name: string;
  timeZone: string | null;
  isPrimary: boolean;
  canWrite: boolean | null;
  sync: boolean;
  writeTarget: boolean;
}

export interface CalendarList {
  calendars: Calendar[];
  refreshed: boolean;
}

export interface CalendarEvent {
  id: string;
  connectionId: string;
  userId: string;
  provider: ProviderId;
  direction: 'inbound' | 'outbound';
  status: string;
  title: string | null;
  description: string | null;
  location: string | null;
  start: { at: string; date: string | null };
  end: { at: string; date: string | null };
  allDay: boolean;
  timeZone: string | null;
  kind: string;
  activityId: string | null;
  organizer: { email: string | null; name: string | null } | null;
  attendees: Array<{ email: string; name?: string; response?: string; optional?: boolean }> | null;
  updatedAt: string;
}

export interface EventPage {
  events: CalendarEvent[];
  nextCursor: string | null;
}

export interface EventChange {
  id: string;
  direction: 'inbound' | 'outbound';
  source: 'provider' | 'api' | 'workflow' | 'conflict_resolution';
  actor: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
  at: string;
}

export type VersionTime = { kind: 'dateTime'; dateTime: string; timeZone: string } | { kind: 'date'; date: string };

export interface EventVersion {
  status: string;
  title: string | null;
  description: string | null;
  location: string | null;
  start: VersionTime;
  end: VersionTime;
  recurrence: string[] | null;
  modifiedAt?: string;
}

export interface Conflict {
  id: string;
  eventId: string;
  connectionId: string;
  base: EventVersion | null;
  local: EventVersion;
  remote: EventVersion;
  policy: 'last_write_wins' | 'manual';
  resolution: 'local' | 'remote' | 'merged' | null;
  resolved: EventVersion | null;
  resolvedBy: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

export interface Activity {
  id: string;
  ownerUserId: string;
  type: string;
  subject: string;
  contactId: string | null;
  start: string;
  end: string;
  status: string;
  calendarEvent: { eventId: string; connectionId: string; provider: ProviderId; status: string } | null;
  createdAt: string;
}

export interface SettingRange {
  min: number;
  max: number;
  default: number;
}

export interface Settings {
  defaultMeetingDurationMinutes: number;
  syncPollIntervalMinutes: number;
  preMeetingNotificationMinutes: number;
  updatedAt: string | null;
  ranges: Record<'defaultMeetingDurationMinutes' | 'syncPollIntervalMinutes' | 'preMeetingNotificationMinutes', SettingRange>;
}

export interface OAuthClient {
  id: string;
  provider: 'google';
  clientId: string;
  active: boolean;
  createdAt: string;
  connections: number;
}

export interface VaultMigration {
  workflowId: string;
  status: 'not_started' | 'running' | 'completed' | 'failed';
  pending: number;
  migrated: number | null;
  failedCount: number;
  done: boolean;
}

export interface FreeBusy {
  from: string;
  to: string;
  users: Array<{ userId: string; busy: Array<{ start: string; end: string }>; errors: Array<{ connectionId: string; code: string }> }>;
  emails: Array<{ connected: boolean; busy: Array<{ start: string; end: string }>; errors: Array<{ connectionId: string; code: string }> }>;
}

export interface Meeting {
  eventId: string;
  activityId: string;
  start: string;
  end: string;
  durationMinutes: number;
}
