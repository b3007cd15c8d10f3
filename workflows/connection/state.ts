// The connection workflow's state in one object, and every change to it as a pure function of the state,
// what happened and the workflow clock (`now`, epoch ms). No Temporal API here: the workflow (workflow.ts)
// does the I/O through activities and applies these transitions, and unit tests check them without a
// server. Continue-as-new carries the whole state to the next run.
import type { ConnectionContext, SyncResult } from '../../activities/connection/types';
import { planReminders, type PlannedReminder, type UpcomingMeeting } from '../../domain/reminders';
import type { CalendarIssue } from '../../data/calendars';
import type { HeldDeletions } from '../../data/held-deletions';
import { nextReconcileAt as nextReconcileTime } from '../../domain/reconciliation';
import type { ConnectionHealth, ConnectionStatus, LastError, LegacyCarriedState, PushLifecycleNotice, SyncOutcome } from './messages';

/** Refresh the access token this long before it expires. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;
/** Renew push channels this long before they expire. */
export const PUSH_RENEWAL_MARGIN_MS = 60 * 60_000;
const MINUTE = 60_000;
/** The poll interval before the organization's settings are known. */
const DEFAULT_POLL_MINUTES = 15;

/** Requests that arrived as signals and wait for the workflow's loop. */
export interface PendingRequests {
  sync: boolean;
  reconnect: boolean;
  disconnect: boolean;
  migrate: boolean;
  /** The organization's settings changed: reload the context. */
  settings: boolean;
}

export interface ConnectionState {
  health: ConnectionHealth;
  lastSync?: SyncOutcome;
  lastError?: LastError;
  pending: PendingRequests;
  /** Settings, stored health and expiries as last loaded (loadConnectionContext). */
  context?: ConnectionContext;
  /** When each kind of periodic work is next due (epoch ms). */
  nextSyncAt: number;
  pushRetryAt: number;
  pushChannelExpiresAt?: number;
  tokenExpiresAt?: number;
  /** Meetings starting soon (from the last sync and this run's scheduling) and their planned reminders. */
  upcoming: UpcomingMeeting[];
  reminders: PlannedReminder[];
  /** How many times this workflow continued as new. */
  generation: number;
  /** When the last sync started (epoch ms): requested syncs keep a minimum gap from it (sync-pacing.ts). */
  lastSyncStartedAt?: number;
  /** From the last successful sync: calendar-level problems and deletions the breaker holds. */
  calendarIssues?: CalendarIssue[];
  heldDeletions?: HeldDeletions[];
  /** Set when push cannot work here (polling carries on). */
  pushUnavailable?: { code: string; message: string };
  /** Graph lifecycle notifications waiting for the loop (renew or recreate a subscription, sync). */
  pushLifecycle?: PushLifecycleNotice[];
  /** When the daily reconciliation is next due (epoch ms); set once the patch that runs it is in effect. */
  nextReconcileAt?: number;
  lastReconcile?: { at: string; calendars: number; repaired: number };
}

/** The state a run starts from: fresh (first run: sync at once), or carried over by continue-as-new. */
export function initialState(carried: ConnectionState | LegacyCarriedState | undefined, now: number): ConnectionState {
  if (carried && 'pending' in carried) return carried;
  // First runs, and runs continued by a version that carried only health, outcomes and pending signals:
  // their timers start now, as those versions did.
  const legacy = carried ?? {
    health: 'active' as const,
    syncRequested: true,
    reconnectRequested: false,
    disconnectRequested: false,
    migrateRequested: false,
    generation: 0,
  };
  return {
    health: legacy.health,
    ...(legacy.lastSync ? { lastSync: legacy.lastSync } : {}),
    ...(legacy.lastError ? { lastError: legacy.lastError } : {}),
    pending: {
      sync: legacy.syncRequested,
      reconnect: legacy.reconnectRequested,
      disconnect: legacy.disconnectRequested,
      migrate: legacy.migrateRequested,
      settings: false,
    },
    nextSyncAt: now,
    pushRetryAt: now,
    upcoming: [],
    reminders: [],
    generation: legacy.generation,
  };
}

function withReminders(state: ConnectionState, now: number): ConnectionState {
  const lead = state.context?.settings.preMeetingNotificationMinutes;
  return { ...state, reminders: lead === undefined ? [] : planReminders(state.upcoming, lead, now) };
}

/**
 * A freshly loaded context: expiries as stored, the next sync one poll interval after the last. (The
 * `settings` request is cleared when the load starts, so a change signalled during the load is not lost.)
 */
export function withContext(state: ConnectionState, context: ConnectionContext, now: number): ConnectionState {
  return withReminders(
    {
      ...state,
      context,
      ...(context.tokenExpiresAt ? { tokenExpiresAt: Date.parse(context.tokenExpiresAt) } : {}),
      ...(context.pushChannelExpiresAt ? { pushChannelExpiresAt: Date.parse(context.pushChannelExpiresAt) } : {}),
      ...(state.lastSync ? { nextSyncAt: Date.parse(state.lastSync.at) + context.settings.syncPollIntervalMinutes * MINUTE } : {}),
    },
    now,
  );
}

/** New health (and, with a code, a new last error); `changed` says whether it differs from before. */
export function withHealth(
  state: ConnectionState,
  health: ConnectionHealth,
  now: number,
  error?: { code: string; message?: string },
): { state: ConnectionState; changed: boolean } {
  const lastError = error ? { code: error.code, message: error.message ?? error.code, at: new Date(now).toISOString() } : state.lastError;
  const changed = health !== state.health;
  return { state: { ...state, health, ...(lastError ? { lastError } : {}) }, changed };
}

export function withRequest(state: ConnectionState, request: keyof PendingRequests): ConnectionState {
  return { ...state, pending: { ...state.pending, [request]: true } };
}

export function withoutRequest(state: ConnectionState, request: keyof PendingRequests): ConnectionState {
  return { ...state, pending: { ...state.pending, [request]: false } };
}

/** How often this connection polls, from its settings. */
export function pollIntervalMs(state: ConnectionState): number {
  return (state.context?.settings.syncPollIntervalMinutes ?? DEFAULT_POLL_MINUTES) * MINUTE;
}

/** How far ahead a sync lists meetings for reminders: the lead time plus two poll intervals. */
export function reminderHorizonMinutes(state: ConnectionState): number {
  const settings = state.context!.settings;
  return settings.preMeetingNotificationMinutes + 2 * settings.syncPollIntervalMinutes;
}

export function afterSyncSucceeded(state: ConnectionState, result: SyncResult, now: number): ConnectionState {
  return withReminders(
    {
      ...state,
      ...(result.calendarIssues ? { calendarIssues: result.calendarIssues } : {}),
      ...(result.heldDeletions ? { heldDeletions: result.heldDeletions } : {}),
      ...(result.reconciled ? { lastReconcile: result.reconciled } : {}),
      lastSync: {
        at: new Date(now).toISOString(),
        outcome: 'ok',
        upserted: result.upserted,
        deleted: result.deleted,
        unchanged: result.unchanged,
        fullResync: result.fullResync,
      },
      context: { ...state.context!, syncedEvents: result.syncedEvents },
      ...(result.tokenExpiresAt ? { tokenExpiresAt: Date.parse(result.tokenExpiresAt) } : {}),
      upcoming: result.upcoming,
    },
    now,
  );
}

export function afterSyncFailed(state: ConnectionState, now: number): ConnectionState {
  return {
    ...state,
    lastSync: { at: new Date(now).toISOString(), outcome: 'error', upserted: 0, deleted: 0, unchanged: 0, fullResync: false },
  };
}

/** After every sync attempt: the next one is a poll interval away (or later, when the provider asked to wait). */
export function withNextSync(state: ConnectionState, pollMs: number, now: number, waitMs = 0): ConnectionState {
  return { ...state, nextSyncAt: now + Math.max(pollMs, waitMs) };
}

/** What health a successful sync leaves: `needs_attention` while the breaker holds deletions, else active. */
export function healthAfterSync(state: ConnectionState): ConnectionHealth {
  return state.heldDeletions?.length ? 'needs_attention' : 'active';
}

/** An operator resolved held deletions: what the breaker still holds. */
export function withHeldDeletions(state: ConnectionState, heldDeletions: HeldDeletions[]): ConnectionState {
  return { ...state, heldDeletions };
}

/** The daily reconciliation's next time, from the context's schedule (once it is known). */
export function withReconcileScheduled(state: ConnectionState, connectionId: string, now: number): ConnectionState {
  const schedule = state.context?.reconcile;
  if (!schedule) return state;
  return { ...state, nextReconcileAt: nextReconcileTime(connectionId, schedule, now) };
}

export function reconcileDue(state: ConnectionState, now: number): boolean {
  return state.nextReconcileAt !== undefined && now >= state.nextReconcileAt;
}

/** A Graph lifecycle notification to act on (a repeat of one already waiting is dropped). */
export function withLifecycleNotice(state: ConnectionState, notice: PushLifecycleNotice): ConnectionState {
  const waiting = state.pushLifecycle ?? [];
  if (waiting.some((known) => known.channelId === notice.channelId && known.event === notice.event)) return state;
  return { ...state, pushLifecycle: [...waiting, notice] };
}

export function takeLifecycleNotice(state: ConnectionState): { state: ConnectionState; notice: PushLifecycleNotice } | undefined {
  const [notice, ...rest] = state.pushLifecycle ?? [];
  return notice ? { notice, state: { ...state, pushLifecycle: rest } } : undefined;
}

export function afterTokenRefreshed(state: ConnectionState, expiresAt: string): ConnectionState {
  return { ...state, tokenExpiresAt: Date.parse(expiresAt) };
}

/** The refresh is retried on demand by the next call that gets a 401; the timer tries again later. */
export function afterTokenRefreshFailed(state: ConnectionState, now: number): ConnectionState {
  return { ...state, tokenExpiresAt: now + TOKEN_REFRESH_MARGIN_MS + MINUTE };
}

/** Push unavailable here (an http PUBLIC_URL with real providers): looked at again a few times a day. */
export const PUSH_UNAVAILABLE_RETRY_MS = 6 * 60 * MINUTE;

export function afterPushRenewed(
  state: ConnectionState,
  expiresAt: string | undefined,
  now: number,
  unavailable?: { code: string; message: string },
): ConnectionState {
  const pushChannelExpiresAt = expiresAt ? Date.parse(expiresAt) : undefined;
  const { pushChannelExpiresAt: _old, pushUnavailable: _was, ...rest } = state;
  if (unavailable) return { ...rest, pushUnavailable: unavailable, pushRetryAt: now + PUSH_UNAVAILABLE_RETRY_MS };
  return {
    ...rest,
    ...(pushChannelExpiresAt !== undefined ? { pushChannelExpiresAt } : {}),
    pushRetryAt: pushChannelExpiresAt ? pushChannelExpiresAt - PUSH_RENEWAL_MARGIN_MS : now + 60 * MINUTE,
  };
}

/** Push is an optimisation (periodic sync is the safety net): try again after a poll interval. */
export function afterPushFailed(state: ConnectionState, now: number): ConnectionState {
  return { ...state, pushRetryAt: now + pollIntervalMs(state) };
}

/** A meeting this run scheduled or moved: it replaces any earlier entry for the same event. */
export function withUpcoming(state: ConnectionState, meeting: UpcomingMeeting, now: number): ConnectionState {
  return withReminders({ ...state, upcoming: [...state.upcoming.filter((known) => known.eventId !== meeting.eventId), meeting] }, now);
}

export function withoutUpcoming(state: ConnectionState, eventId: string, now: number, replan = true): ConnectionState {
  const next = { ...state, upcoming: state.upcoming.filter((meeting) => meeting.eventId !== eventId) };
  return replan ? withReminders(next, now) : next;
}

/** The earliest reminder due by `now`, taken off the plan (with its meeting); undefined when none is due. */
export function takeDueReminder(state: ConnectionState, now: number): { state: ConnectionState; reminder: PlannedReminder } | undefined {
  const reminder = state.reminders[0];
  if (!reminder || reminder.dueAt > now) return undefined;
  return {
    reminder,
    state: {
      ...state,
      reminders: state.reminders.slice(1),
      upcoming: state.upcoming.filter((meeting) => meeting.eventId !== reminder.eventId || meeting.startAt !== reminder.startAt),
    },
  };
}

/** Whether a token refresh is due (never while reconnect is needed: the grant is gone). */
export function tokenRefreshDue(state: ConnectionState, now: number): boolean {
  return state.tokenExpiresAt !== undefined && now >= state.tokenExpiresAt - TOKEN_REFRESH_MARGIN_MS;
}

/** The next time the workflow has something to do by itself (reminders, and provider work unless reconnect is needed). */
export function nextWakeAt(state: ConnectionState): number {
  const candidates = [state.reminders[0]?.dueAt ?? Infinity];
  if (state.health !== 'needs_reconnect') {
    candidates.push(state.nextSyncAt, state.pushRetryAt);
    if (state.nextReconcileAt !== undefined) candidates.push(state.nextReconcileAt);
    if (state.tokenExpiresAt !== undefined) candidates.push(state.tokenExpiresAt - TOKEN_REFRESH_MARGIN_MS);
  }
  return Math.min(...candidates);
}

/** What the next run starts from. A sync that came due while this run was ending is carried as a request. */
export function carriedState(state: ConnectionState, now: number): ConnectionState {
  return {
    ...state,
    pending: { ...state.pending, sync: state.pending.sync || now >= state.nextSyncAt },
    generation: state.generation + 1,
  };
}

/** `syncRunning`: the run is inside a sync now (not part of the carried state: a new run starts outside one). */
export function statusOf(state: ConnectionState, connectionId: string, historyLength: number, syncRunning = false): ConnectionStatus {
  return {
    connectionId,
    health: state.health,
    // A requested sync waits while reconnect is needed: that is not "syncing".
    syncing: syncRunning || (state.pending.sync && state.health !== 'needs_reconnect'),
    lastSync: state.lastSync,
    // While reconnect is needed no sync runs; otherwise (errors included: a quota back-off) it says when.
    nextSyncAt:
      state.health !== 'needs_reconnect' && state.health !== 'disconnected' ? new Date(state.nextSyncAt).toISOString() : undefined,
    lastError: state.lastError,
    syncedEvents: state.context?.syncedEvents ?? 0,
    pendingReminders: state.reminders.length,
    nextReminderAt: state.reminders[0] ? new Date(state.reminders[0].dueAt).toISOString() : undefined,
    pushChannelExpiresAt: state.pushChannelExpiresAt ? new Date(state.pushChannelExpiresAt).toISOString() : undefined,
    tokenExpiresAt: state.tokenExpiresAt ? new Date(state.tokenExpiresAt).toISOString() : undefined,
    settings: state.context?.settings,
    historyLength,
    generation: state.generation,
    calendarIssues: state.calendarIssues ?? [],
    heldDeletions: state.heldDeletions ?? [],
    push: state.pushUnavailable ? { available: false, reason: state.pushUnavailable } : { available: true },
    ...(state.nextReconcileAt !== undefined ? { nextReconcileAt: new Date(state.nextReconcileAt).toISOString() } : {}),
    ...(state.lastReconcile ? { lastReconcile: state.lastReconcile } : {}),
  };
}
