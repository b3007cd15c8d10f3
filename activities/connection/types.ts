// The connection workflow's activities as the workflow sees them: the contract between workflows/connection
// and the services that do the work. Inputs and results never carry a token (workflow history is visible
// to operators); attendee lists do, and are sealed in the history by the payload codec
// (services/attendee-sealing-codec.ts).
import type { CalendarList } from '../../services/connection/calendars';
import type { CalendarSelection } from '../../domain/calendar-selection';
import type { ConnectionBusy } from '../../services/connection/freebusy';
import type { ConnectionContext } from '../../services/connection/lifecycle';
import type { OccurrenceEditPlan, OccurrenceEditRequest } from '../../services/connection/writes/occurrence-edits';
import type { SyncResult } from '../../services/connection/sync/sync-connection';
import type { PushSetup } from '../../services/connection/push-channels';
import type { HeldDeletionsResolution } from '../../services/connection/held-deletions';
import type { EventEdit } from '../../domain/event-edit';
import type { MeetingChange, ResolvedMeeting } from '../../domain/meeting';
import type { UpcomingMeeting } from '../../domain/reminders';
import type {
  ConnectionHealth,
  EditedEvent,
  EditedOccurrence,
  ResolvedConflict,
  ScheduledMeeting,
} from '../../workflows/connection/messages';

export type {
  CalendarList,
  CalendarSelection,
  ConnectionBusy,
  ConnectionContext,
  HeldDeletionsResolution,
  OccurrenceEditPlan,
  OccurrenceEditRequest,
  PushSetup,
  SyncResult,
};

export interface ConnectionActivities {
  // the connection's own state
  loadConnectionContext(connectionId: string): Promise<ConnectionContext>;
  recordConnectionHealth(input: { connectionId: string; health: ConnectionHealth; errorCode?: string }): Promise<void>;
  refreshConnectionToken(connectionId: string): Promise<{ tokenExpiresAt: string }>;
  revokeConnectionTokens(connectionId: string): Promise<void>;
  markDisconnected(connectionId: string): Promise<void>;
  migrateConnectionTokens(connectionId: string): Promise<{ migrated: boolean }>;
  // inbound sync, reminders and push
  /** `reconcile`: the daily reconciliation (every synced calendar read in full, drift repaired). */
  syncConnection(input: { connectionId: string; reminderHorizonMinutes: number; reconcile?: boolean }): Promise<SyncResult>;
  listUpcomingMeetings(input: { connectionId: string; horizonMinutes: number }): Promise<UpcomingMeeting[]>;
  deliverReminder(input: {
    connectionId: string;
    eventId: string;
    startAt: string;
    leadMinutes: number;
  }): Promise<'delivered' | 'duplicate' | 'stale'>;
  ensurePushChannels(connectionId: string): Promise<PushSetup>;
  /** A Graph lifecycle notification: renew or recreate that subscription now. */
  repairPushChannel(input: {
    connectionId: string;
    channelId: string;
    event: 'reauthorizationRequired' | 'subscriptionRemoved';
  }): Promise<PushSetup>;
  stopPushChannels(connectionId: string): Promise<void>;
  /** An operator's answer to the mass-delete breaker for one calendar. */
  resolveHeldDeletions(input: {
    connectionId: string;
    calendarId: string;
    decision: 'confirm' | 'dismiss';
    actor: string;
  }): Promise<HeldDeletionsResolution>;
  // the account's calendars and free/busy, read for the API
  listCalendars(input: { connectionId: string; askProvider: boolean }): Promise<CalendarList>;
  selectCalendars(input: { connectionId: string; selection: CalendarSelection }): Promise<CalendarList>;
  freeBusyOfConnection(input: { connectionId: string; timeMin: string; timeMax: string }): Promise<ConnectionBusy>;
  // CRM-side writes
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
}
