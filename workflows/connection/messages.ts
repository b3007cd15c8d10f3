// The connection workflow's public surface: its id scheme, input, signals, updates and queries. The API
// imports only this file (and never the workflow body), so the contract between them is here in one place.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EventEdit, OccurrenceEdit, OccurrenceScope } from '../../domain/event-edit';
import type { MeetingChangeInput, MeetingFieldsInput } from '../../domain/meeting';
import type { ModuleSettings } from '../../domain/settings';
import type { CalendarList, ConnectionBusy, HeldDeletionsResolution } from '../../activities/connection/types';
import type { CalendarSelection } from '../../domain/calendar-selection';
import type { CalendarIssue } from '../../data/calendars';
import type { HeldDeletions } from '../../data/held-deletions';
import type { ConnectionState } from './state';

/** One workflow per connection; a repeated start with this id is rejected by Temporal, never duplicated. */
export const connectionWorkflowId = (connectionId: string): string => `calendar-connection:${connectionId}`;

/**
 * `needs_attention`: syncing, but the mass-delete breaker holds deletions of a calendar for an operator
 * (status.heldDeletions has the numbers; confirm or dismiss through the API).
 */
export type ConnectionHealth = 'active' | 'needs_attention' | 'needs_reconnect' | 'error' | 'disconnected';

export interface ConnectionWorkflowInput {
  connectionId: string;
  organizationId: string;
  userId: string;
  provider: 'google' | 'microsoft';
  /** State carried across continue-as-new (absent on the first run); older runs carried LegacyCarriedState. */
  carried?: ConnectionState | LegacyCarriedState;
  /** Continue as new past this many history events (default HISTORY_EVENT_LIMIT); tests lower it, bench:replay raises it. */
  historyEventLimit?: number;
  /** Requested syncs closer together than this are folded into one (SYNC_MIN_GAP_SECONDS; sync-pacing.ts). */
  minSyncGapMs?: number;
}

export interface LastError {
  code: string;
  message: string;
  at: string;
}

export interface SyncOutcome {
  at: string;
  outcome: 'ok' | 'error';
  upserted: number;
  deleted: number;
  unchanged: number;
  fullResync: boolean;
}

/** What runs continued before the whole state was carried handed to the next run. */
export interface LegacyCarriedState {
  health: ConnectionHealth;
  lastSync?: SyncOutcome;
  lastError?: LastError;
  syncRequested: boolean;
  reconnectRequested: boolean;
  disconnectRequested: boolean;
  migrateRequested: boolean;
  generation: number;
}

export interface ConnectionStatus {
  connectionId: string;
  health: ConnectionHealth;
  lastSync?: SyncOutcome;
  nextSyncAt?: string;
  lastError?: LastError;
  syncedEvents: number;
  pendingReminders: number;
  nextReminderAt?: string;
  pushChannelExpiresAt?: string;
  tokenExpiresAt?: string;
  settings?: ModuleSettings;
  /** A sync is running or requested and about to run (the loop picks it up next). */
  syncing?: boolean;
  historyLength: number;
  /** How many times this workflow continued as new (each run starts a fresh history). */
  generation: number;
  /** Calendars whose own last sync failed (e.g. 403 on a shared calendar) or that were removed at the provider. */
  calendarIssues?: CalendarIssue[];
  /** Calendars whose deletions the mass-delete breaker holds (health `needs_attention`). */
  heldDeletions?: HeldDeletions[];
  /** Push notifications: available, or why not (polling carries on either way). */
  push?: PushStatus;
  /** The daily reconciliation: when it runs next, and how the last one went. */
  nextReconcileAt?: string;
  lastReconcile?: { at: string; calendars: number; repaired: number };
}

export interface PushStatus {
  available: boolean;
  /** Why push is unavailable (https_required, notification_url_refused). */
  reason?: { code: string; message: string };
}

export interface ScheduledMeeting {
  eventId: string;
  externalEventId: string;
  activityId: string;
  calendarId: string;
  start: string;
  end: string;
  durationMinutes: number;
}

export interface ScheduleMeetingInput extends MeetingFieldsInput {
  /** Client-supplied idempotency key (the API's Idempotency-Key header): same key, same meeting. */
  requestId: string;
}

export interface RescheduleMeetingInput {
  requestId: string;
  eventId: string;
  change: MeetingChangeInput;
}

export interface CancelMeetingInput {
  requestId: string;
  eventId: string;
}

export const scheduleMeetingUpdate = defineUpdate<ScheduledMeeting, [ScheduleMeetingInput]>('scheduleMeeting');
export const rescheduleMeetingUpdate = defineUpdate<ScheduledMeeting, [RescheduleMeetingInput]>('rescheduleMeeting');
export const cancelMeetingUpdate = defineUpdate<{ eventId: string; cancelled: true }, [CancelMeetingInput]>('cancelMeeting');

export const syncNowSignal = defineSignal<[{ reason: 'push' | 'manual' | 'settings' }?]>('syncNow');
/** A Graph lifecycle notification for one of the connection's subscriptions (checked by the webhook). */
export interface PushLifecycleNotice {
  channelId: string;
  event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';
}
export const pushLifecycleSignal = defineSignal<[PushLifecycleNotice]>('pushLifecycle');
export const disconnectSignal = defineSignal('disconnect');
/** New tokens were stored by the OAuth callback: resume calling the provider. */
export const reconnectSignal = defineSignal('reconnect');
export const settingsChangedSignal = defineSignal('settingsChanged');
/** Move this connection's legacy plaintext tokens into the vault. */
export const migrateSignal = defineSignal('migrate');

export const statusQuery = defineQuery<ConnectionStatus>('status');

// ----- two-way sync: edits of synced events and manual conflict resolution ------------------------------

/** An edit of a synced event from the CRM (see domain/event-edit.ts), written through to the provider. */
export interface EditEventInput {
  requestId: string;
  eventId: string;
  edit: EventEdit;
  /** Who asked (user id), for the change history. */
  actor: string;
  /** When the CRM received the edit (ISO-8601): its side of last-write-wins. Default: when the write ran. */
  requestedAt?: string;
}

export interface EditedEvent {
  eventId: string;
  status: string;
  /** Set when the provider's copy had changed too: the recorded conflict and what the policy chose. */
  conflict?: { id: string; resolution: 'local' | 'remote' | 'merged' };
}

export interface ResolveConflictInput {
  requestId: string;
  conflictId: string;
  choice: 'local' | 'remote' | 'merged';
  /** With `merged`: field edits applied on top of the automatically merged version. */
  merged?: EventEdit;
  actor: string;
}

export interface ResolvedConflict {
  conflictId: string;
  eventId: string;
  choice: 'local' | 'remote' | 'merged';
  status: string;
}

export const editEventUpdate = defineUpdate<EditedEvent, [EditEventInput]>('editEvent');
export const resolveConflictUpdate = defineUpdate<ResolvedConflict, [ResolveConflictInput]>('resolveConflict');

/**
 * An edit of one occurrence of a recurring series (`this`), or of it and every later one (`following`,
 * which splits the series the way the calendars do). `cancel` removes them instead of editing.
 */
export interface EditOccurrenceInput {
  requestId: string;
  /** The series master's event id. */
  eventId: string;
  /** Where the occurrence sits in the series: an ISO date-time, or yyyy-mm-dd for an all-day series. */
  originalStart: string;
  scope: OccurrenceScope;
  change: { edit: OccurrenceEdit } | { cancel: true };
  actor: string;
  requestedAt?: string;
}

export interface EditedOccurrence {
  /** The event that now holds the change: the occurrence, the new series (`following`) or the master. */
  eventId: string;
  status: string;
  seriesEventId: string;
  conflict?: { id: string; resolution: 'local' | 'remote' | 'merged' };
}

export const editOccurrenceUpdate = defineUpdate<EditedOccurrence, [EditOccurrenceInput]>('editOccurrence');

// ----- reads of the account for the API: they run in the worker, like every provider call -------------

/** The account's calendars, freshly listed (or as stored when the provider cannot be asked). */
export const listCalendarsUpdate = defineUpdate<CalendarList, []>('listCalendars');

export interface SelectCalendarsInput {
  selection: CalendarSelection;
}
/** The owner's choice of calendars; newly selected ones sync at once. */
export const selectCalendarsUpdate = defineUpdate<CalendarList, [SelectCalendarsInput]>('selectCalendars');

export interface FreeBusyInput {
  /** ISO-8601 instants; the window is at most 62 days (validated by the API and the update validator). */
  timeMin: string;
  timeMax: string;
}
/** Busy blocks of the connection's selected calendars, asked from the provider. */
export const freeBusyUpdate = defineUpdate<ConnectionBusy, [FreeBusyInput]>('freeBusy');

// ----- the mass-delete breaker: an operator's decision ---------------------------------------------------

export interface ResolveHeldDeletionsInput {
  calendarId: string;
  decision: 'confirm' | 'dismiss';
  actor: string;
}
/** Confirm (apply) or dismiss (keep the events) the deletions the breaker holds for one calendar. */
export const resolveHeldDeletionsUpdate = defineUpdate<HeldDeletionsResolution, [ResolveHeldDeletionsInput]>('resolveHeldDeletions');
