// The connection workflow's activities as the workflow sees them. Inputs and results never carry a token
// (workflow history is visible to operators); attendee lists do, and are sealed in the history by the
// payload codec (services/attendee-sealing-codec.ts).
import type { ResolvedMeeting, MeetingChange } from '../../domain/meeting';
import type { UpcomingMeeting } from '../../domain/reminders';
import type { ModuleSettings } from '../../domain/settings';
import type { EventEdit, OccurrenceEdit, OccurrenceScope } from '../../domain/event-edit';
import type { EventVersion } from '../../domain/merge/event-version';
import type { EventTime } from '../../providers/types';
import type {
  ConnectionHealth,
  EditedEvent,
  EditedOccurrence,
  ResolvedConflict,
  ScheduledMeeting,
} from '../../workflows/connection/messages';

export interface ConnectionContext {
  settings: ModuleSettings;
  /** Health as stored (e.g. needs_reconnect recorded by a failed refresh outside the workflow). */
  storedHealth: ConnectionHealth;
  tokenExpiresAt?: string;
  pushChannelExpiresAt?: string;
  syncedEvents: number;
  migrationRequired: boolean;
}

export interface SyncResult {
  upserted: number;
  deleted: number;
  unchanged: number;
  fullResync: boolean;
  syncedEvents: number;
  /** Meetings starting within the requested horizon (for reminders), earliest first. */
  upcoming: UpcomingMeeting[];
  tokenExpiresAt?: string;
}

/**
 * What an occurrence edit will do, decided once from the stored series (an activity result in the
 * workflow's history), so a retried write carries out the same plan even after the series has changed.
 */
export type OccurrenceEditPlan =
  /** An event row holds it already: the occurrence's own row, or the master when `following` is the whole series. */
  | { kind: 'event'; eventId: string }
  /** An occurrence nobody edited yet (Google lists only the master): fetched from the provider, then edited. */
  | { kind: 'occurrence'; masterEventId: string; originalStart: EventTime }
  /** "This and following": the series ends before `splitStart`; `continuation` (unless cancelled) carries on. */
  | { kind: 'split'; masterEventId: string; splitStart: EventTime; endedRecurrence: string[]; continuation: EventVersion | null };

export interface OccurrenceEditRequest {
  connectionId: string;
  requestId: string;
  eventId: string;
  originalStart: string;
  scope: OccurrenceScope;
  change: { edit: OccurrenceEdit } | { cancel: true };
  actor: string;
  requestedAt?: string;
}

export interface ConnectionActivities {
  loadConnectionContext(connectionId: string): Promise<ConnectionContext>;
  syncConnection(input: { connectionId: string; reminderHorizonMinutes: number }): Promise<SyncResult>;
  listUpcomingMeetings(input: { connectionId: string; horizonMinutes: number }): Promise<UpcomingMeeting[]>;
  refreshConnectionToken(connectionId: string): Promise<{ tokenExpiresAt: string }>;
  recordConnectionHealth(input: { connectionId: string; health: ConnectionHealth; errorCode?: string }): Promise<void>;
  deliverReminder(input: {
    connectionId: string;
    eventId: string;
    startAt: string;
    leadMinutes: number;
  }): Promise<'delivered' | 'duplicate' | 'stale'>;
  ensurePushChannels(connectionId: string): Promise<{ expiresAt?: string }>;
  stopPushChannels(connectionId: string): Promise<void>;
  scheduleMeeting(input: { connectionId: string; requestId: string; meeting: ResolvedMeeting }): Promise<ScheduledMeeting>;
  rescheduleMeeting(input: {
    connectionId: string;
    eventId: string;
    change: MeetingChange;
    defaultDurationMinutes: number;
  }): Promise<ScheduledMeeting>;
  cancelMeeting(input: { connectionId: string; eventId: string }): Promise<void>;
  editEvent(input: { connectionId: string; eventId: string; edit: EventEdit; actor: string; requestedAt?: string }): Promise<EditedEvent>;
  resolveConflict(input: {
    connectionId: string;
    conflictId: string;
    choice: 'local' | 'remote' | 'merged';
    merged?: EventEdit;
    actor: string;
  }): Promise<ResolvedConflict>;
  planOccurrenceEdit(input: OccurrenceEditRequest): Promise<OccurrenceEditPlan>;
  applyOccurrenceEdit(input: OccurrenceEditRequest & { plan: OccurrenceEditPlan }): Promise<EditedOccurrence>;
  revokeConnectionTokens(connectionId: string): Promise<void>;
  markDisconnected(connectionId: string): Promise<void>;
  migrateConnectionTokens(connectionId: string): Promise<{ migrated: boolean }>;
}
