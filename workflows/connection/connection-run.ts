// One run of the connection workflow: its state (state.ts), the work each message and each loop step
// does through activities, and the lock CRM-side writes and syncs take turns on. workflow.ts registers the
// handlers (one line each) and drives the loop; everything here is deterministic (the workflow clock, no I/O
// but activities).
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CalendarList, ConnectionBusy, ConnectionContext, HeldDeletionsResolution } from '../../activities/connection/types';
import { ConnectionHealth as ConnectionHealthKey } from '../search-attributes';
import { interactive, interactiveWrite, local, provider, sync } from './activities';
import { inputSchemas } from './input-schemas-on-demand';
import {
  COALESCE_REQUESTED_SYNCS,
  DEFAULT_MIN_SYNC_GAP_MS,
  FIRST_SYNC_STARTS_NO_GAP,
  GAP_AFTER_REQUESTED_SYNCS_ONLY,
  requestedSyncDueAt,
  withSyncStarted,
} from './sync-pacing';
import { HISTORY_EVENT_LIMIT, LONG_RUN_EVENT_LIMIT, SHORT_RUNS } from './run-length';
import { SPREAD_PERIODIC_WORK, withSpreadStart } from './spread';
import { WriteLock } from './write-lock';
import type {
  CancelMeetingInput,
  ConnectionHealth,
  ConnectionStatus,
  ConnectionWorkflowInput,
  EditEventInput,
  EditOccurrenceInput,
  FreeBusyInput,
  PushLifecycleNotice,
  RescheduleMeetingInput,
  ResolveHeldDeletionsInput,
  ResolveConflictInput,
  ScheduleMeetingInput,
  SelectCalendarsInput,
} from './messages';
import {
  afterPushFailed,
  afterPushRenewed,
  afterSyncFailed,
  afterSyncSucceeded,
  afterTokenRefreshed,
  afterTokenRefreshFailed,
  carriedState,
  healthAfterSync,
  initialState,
  nextWakeAt,
  pollIntervalMs,
  reconcileDue,
  reminderHorizonMinutes,
  statusOf,
  takeDueReminder,
  takeLifecycleNotice,
  tokenRefreshDue,
  withContext,
  withHealth,
  withHeldDeletions,
  withLifecycleNotice,
  withNextSync,
  withoutRequest,
  withoutUpcoming,
  withReconcileScheduled,
  withRequest,
  withUpcoming,
  type ConnectionState,
  type PendingRequests,
} from './state';

/** Reschedule and cancel take the write lock only in runs past this patch (older histories never waited). */
const SERIALISE_MEETING_WRITES = 'serialise-meeting-writes-with-sync';
/** A changed calendar selection also renews push channels at once (for the newly selected calendars). */
const PUSH_ON_SELECTION_CHANGE = 'push-channels-on-selection-change';
/** A successful sync sets `needs_attention` while the mass-delete breaker holds deletions (and `active` after). */
const NEEDS_ATTENTION_HEALTH = 'needs-attention-health';
/** An exhausted provider quota waits the budget's back-off before the next sync instead of one poll interval. */
const QUOTA_BACKOFF = 'quota-backoff';
/** The daily reconciliation: once a day every synced calendar is read in full and drift repaired. */
const DAILY_RECONCILIATION = 'daily-reconciliation';
/** CRM-side writes run with interactive timeouts (a dead worker's attempt is retried within seconds). */
const INTERACTIVE_WRITE_TIMEOUTS = 'interactive-write-timeouts';

export class ConnectionRun {
  state: ConnectionState;
  readonly connectionId: string;
  /**
   * CRM-side writes of existing events and syncs take turns, so a sync never applies a page read before an
   * edit over that edit, and an edit always starts from the version the last sync stored. Scheduling a new
   * meeting does not take it: no stored version of that event exists for a sync to overwrite, and a sync
   * that lists the new event first is adopted by the schedule activity (data/meetings.ts).
   */
  readonly writes = new WriteLock();
  /** Inside runSync now (the status query's `syncing`). */
  private syncRunning = false;
  /** Requested syncs keep this gap from the last sync's start; 0 in runs older than the patch. */
  private minSyncGapMs = 0;

  constructor(readonly input: ConnectionWorkflowInput) {
    this.connectionId = input.connectionId;
    this.state = initialState(input.carried, Date.now());
  }

  status(): ConnectionStatus {
    return statusOf(this.state, this.connectionId, workflowInfo().historyLength, this.syncRunning);
  }

  // ----- signals: requests the loop acts on ---------------------------------------------------------------

  /** Many notifications during one sync coalesce into one pending request. */
  requestSync(request?: { reason: 'push' | 'manual' | 'settings' }): void {
    this.state = withRequest(this.state, 'sync');
    // A changed calendar selection also needs push channels for the newly selected calendars now, not at
    // the next renewal. Patched: a behaviour change for running workflows (see README, Workflows).
    if (request?.reason === 'settings' && patched(PUSH_ON_SELECTION_CHANGE)) this.state = { ...this.state, pushRetryAt: Date.now() };
  }

  request(kind: Exclude<keyof PendingRequests, 'sync'>): void {
    this.state = withRequest(this.state, kind);
  }

  /** A Graph lifecycle notification: acted on by the loop at once (renew/recreate the subscription, or sync). */
  pushLifecycle(notice: PushLifecycleNotice): void {
    this.state = withLifecycleNotice(this.state, notice);
  }

  // ----- updates: CRM-side writes ---------------------------------------------------------------------------

  async scheduleMeeting({ requestId, ...fields }: ScheduleMeetingInput) {
    const { meetingFieldsSchema, resolveMeeting } = inputSchemas();
    const parsed = meetingFieldsSchema.parse(fields);
    const meeting = resolveMeeting(parsed, (await this.loadedContext()).settings.defaultMeetingDurationMinutes);
    const scheduled = await this.callProvider(() => this.writer().scheduleMeeting({ connectionId: this.connectionId, requestId, meeting }));
    this.state = withUpcoming(this.state, { eventId: scheduled.eventId, startAt: scheduled.start }, Date.now());
    return scheduled;
  }

  async rescheduleMeeting({ eventId, change }: RescheduleMeetingInput) {
    const { settings } = await this.loadedContext();
    const reschedule = () =>
      this.callProvider(() =>
        this.writer().rescheduleMeeting({
          connectionId: this.connectionId,
          eventId,
          change: inputSchemas().meetingChangeSchema.parse(change),
          defaultDurationMinutes: settings.defaultMeetingDurationMinutes,
        }),
      );
    const scheduled = patched(SERIALISE_MEETING_WRITES) ? await this.writes.run(reschedule) : await reschedule();
    this.state = withUpcoming(this.state, { eventId, startAt: scheduled.start }, Date.now());
    return scheduled;
  }

  async cancelMeeting({ eventId }: CancelMeetingInput) {
    const cancel = () => this.callProvider(() => this.writer().cancelMeeting({ connectionId: this.connectionId, eventId }));
    if (patched(SERIALISE_MEETING_WRITES)) await this.writes.run(cancel);
    else await cancel();
    this.state = withoutUpcoming(this.state, eventId, Date.now());
    return { eventId, cancelled: true as const };
  }

  /** Reminders follow from the next scheduled sync (a sync right now would race calendar-side edits). */
  async editEvent({ eventId, edit, actor, requestedAt }: EditEventInput) {
    await this.loadedContext();
    const parsed = inputSchemas().eventEditSchema.parse(edit);
    const input = { connectionId: this.connectionId, eventId, edit: parsed, actor, ...(requestedAt ? { requestedAt } : {}) };
    return this.writes.run(() => this.callProvider(() => this.writer().editEvent(input)));
  }

  /** Planned once, from the series as stored now; the write (and its retries) carries out that plan. */
  async editOccurrence({ requestId, eventId, originalStart, scope, change, actor, requestedAt }: EditOccurrenceInput) {
    await this.loadedContext();
    const connectionId = this.connectionId;
    const request = { connectionId, requestId, eventId, originalStart, scope, change, actor, ...(requestedAt ? { requestedAt } : {}) };
    return this.writes.run(() =>
      this.callProvider(async () =>
        this.writer().applyOccurrenceEdit({ ...request, plan: await this.writer().planOccurrenceEdit(request) }),
      ),
    );
  }

  async resolveConflict({ conflictId, choice, merged, actor }: ResolveConflictInput) {
    await this.loadedContext();
    const input = {
      connectionId: this.connectionId,
      conflictId,
      choice,
      actor,
      ...(merged ? { merged: inputSchemas().eventEditSchema.parse(merged) } : {}),
    };
    return this.writes.run(() => this.callProvider(() => this.writer().resolveConflict(input)));
  }

  // ----- updates: reads of the account for the API ----------------------------------------------------------

  /** While reconnect is needed the provider is not asked: the stored list is the answer. */
  listCalendars(): Promise<CalendarList> {
    return interactive.listCalendars({ connectionId: this.connectionId, askProvider: this.state.health !== 'needs_reconnect' });
  }

  /** Newly selected calendars get their first (full) pass now instead of at the next poll. */
  async selectCalendars({ selection }: SelectCalendarsInput): Promise<CalendarList> {
    const calendars = await this.callProvider(() => interactive.selectCalendars({ connectionId: this.connectionId, selection }));
    if (selection.sync) this.requestSync({ reason: 'settings' });
    return calendars;
  }

  freeBusy(window: FreeBusyInput): Promise<ConnectionBusy> {
    return interactive.freeBusyOfConnection({ connectionId: this.connectionId, ...window });
  }

  // ----- updates: the mass-delete breaker -----------------------------------------------------------------

  /** An operator confirms or dismisses held deletions; the health follows what is still held. */
  async resolveHeldDeletions({ calendarId, decision, actor }: ResolveHeldDeletionsInput): Promise<HeldDeletionsResolution> {
    const resolved = await this.writes.run(() =>
      provider.resolveHeldDeletions({ connectionId: this.connectionId, calendarId, decision, actor }),
    );
    this.state = withHeldDeletions(this.state, resolved.heldDeletions);
    if (this.state.health === 'needs_attention' || this.state.health === 'active') await this.setHealth(healthAfterSync(this.state));
    return resolved;
  }

  // ----- the loop ---------------------------------------------------------------------------------------

  async run(): Promise<void> {
    if (patched(COALESCE_REQUESTED_SYNCS)) this.minSyncGapMs = this.input.minSyncGapMs ?? DEFAULT_MIN_SYNC_GAP_MS;
    const context = await this.loadedContext();
    // Overdue periodic work waits the connection's own offset, so a restart does not wake everyone at once.
    if (patched(SPREAD_PERIODIC_WORK)) this.state = withSpreadStart(this.state, this.connectionId, Date.now());
    if (context.storedHealth === 'needs_reconnect' && this.state.health === 'active' && !this.state.pending.reconnect) {
      await this.setHealth('needs_reconnect', { code: 'invalid_grant' });
    }
    for (;;) {
      if (this.state.pending.disconnect) {
        await condition(allHandlersFinished);
        await this.disconnect();
        return;
      }
      if (this.state.pending.reconnect) await this.reconnect();
      if (this.state.pending.migrate) {
        this.state = withoutRequest(this.state, 'migrate');
        await local.migrateConnectionTokens(this.connectionId);
      }
      if (this.state.pending.settings) await this.loadedContext();

      // Each step may move the connection to needs_reconnect, which stops all provider calls until reconnect.
      if (this.canCallProvider() && tokenRefreshDue(this.state, Date.now())) await this.refreshToken();
      await this.handlePushLifecycle();
      const reconcile = this.reconcileDueNow();
      if (this.canCallProvider() && (reconcile || this.requestedSyncDue() || Date.now() >= this.state.nextSyncAt)) {
        // The lock is free unless a CRM-side write is running; then the sync waits for it.
        await this.writes.takeTurn(() => this.runSync(reconcile));
      }
      if (this.canCallProvider() && Date.now() >= this.state.pushRetryAt) await this.renewPushChannels();
      await this.deliverDueReminders();

      if (this.shouldContinueAsNew()) {
        await condition(allHandlersFinished);
        // The whole state goes to the next run; signals that arrived while this one was ending are in it.
        await continueAsNew<(input: ConnectionWorkflowInput) => Promise<void>>({
          ...this.input,
          carried: carriedState(this.state, Date.now()),
        });
      }

      // While reconnect is needed a sync request waits (it runs after the reconnect); waking for it would spin.
      // A requested sync held back by the gap wakes the loop when the gap is over (only past the patch:
      // older runs computed the sleep without it, and their timers must replay the same).
      const gapEndsAt = () =>
        this.minSyncGapMs > 0 && this.canCallProvider() ? requestedSyncDueAt(this.state, this.minSyncGapMs) : Number.POSITIVE_INFINITY;
      const wakeBy = Math.min(nextWakeAt(this.state), gapEndsAt());
      const wake = () => {
        const { pending } = this.state;
        const lifecycle = (this.state.pushLifecycle?.length ?? 0) > 0 && this.canCallProvider();
        return (
          (this.requestedSyncDue() && this.canCallProvider()) ||
          lifecycle ||
          // A sync requested during this sleep, whose gap ends before the sleep would: sleep again, shorter.
          gapEndsAt() < wakeBy ||
          pending.disconnect ||
          pending.reconnect ||
          pending.migrate ||
          pending.settings
        );
      };
      const sleepMs = wakeBy - Date.now();
      if (sleepMs === Infinity) await condition(wake);
      else await condition(wake, Math.max(1, sleepMs));
    }
  }

  /** The activities of CRM-side writes: interactive timeouts past the patch, the provider's before it. */
  private writer(): typeof provider {
    return patched(INTERACTIVE_WRITE_TIMEOUTS) ? interactiveWrite : provider;
  }

  private canCallProvider(): boolean {
    return this.state.health !== 'needs_reconnect';
  }

  /** A sync was requested and the minimum gap since the last one has passed. */
  private requestedSyncDue(): boolean {
    return Date.now() >= requestedSyncDueAt(this.state, this.minSyncGapMs);
  }

  private shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    if (info.continueAsNewSuggested) return true;
    const limit = this.input.historyEventLimit ?? (patched(SHORT_RUNS) ? HISTORY_EVENT_LIMIT : LONG_RUN_EVENT_LIMIT);
    return info.historyLength >= limit;
  }

  /** The context, loaded on first use and again after the organization's settings changed. */
  private async loadedContext(): Promise<ConnectionContext> {
    if (!this.state.context || this.state.pending.settings) {
      // Cleared before the load: a change signalled while it runs is loaded next time.
      this.state = withoutRequest(this.state, 'settings');
      const context = await local.loadConnectionContext(this.connectionId);
      this.state = withContext(this.state, context, Date.now());
    }
    return this.state.context!;
  }

  /** A new health (stored and shown in the search attribute); with an error code, also a new last error. */
  private async setHealth(next: ConnectionHealth, error?: { code: string; message?: string }): Promise<void> {
    const { state, changed } = withHealth(this.state, next, Date.now(), error);
    this.state = state;
    if (!changed && !error) return;
    upsertSearchAttributes([{ key: ConnectionHealthKey, value: next }]);
    await local.recordConnectionHealth({ connectionId: this.connectionId, health: next, ...(error ? { errorCode: error.code } : {}) });
  }

  /** Runs a provider-calling activity; a revoked grant moves the connection to needs_reconnect. */
  private async callProvider<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (failureType(error) === 'access_revoked') {
        await this.setHealth('needs_reconnect', { code: 'invalid_grant', message: 'The calendar account revoked access; reconnect it' });
      }
      throw error;
    }
  }

  /**
   * Whether the daily reconciliation is due now. Its schedule starts once this patch is in effect (running
   * workflows pick it up at their next loop); the next one is scheduled when this one starts.
   */
  private reconcileDueNow(): boolean {
    if (!this.canCallProvider() || !patched(DAILY_RECONCILIATION)) return false;
    if (this.state.nextReconcileAt === undefined) {
      this.state = withReconcileScheduled(this.state, this.connectionId, Date.now());
      return false;
    }
    if (!reconcileDue(this.state, Date.now())) return false;
    this.state = withReconcileScheduled(this.state, this.connectionId, Date.now());
    return true;
  }

  private async runSync(reconcile = false): Promise<void> {
    const requested = this.state.pending.sync;
    this.state = withoutRequest(this.state, 'sync');
    // Shown by the status query only (no command, nothing carried). Set and cleared without an await of its
    // own: an extra await would reorder this run's commands and break the replay of recorded histories.
    this.syncRunning = true;
    if (this.minSyncGapMs > 0) {
      // patched() is called exactly where recorded runs called it: the order of the conditions matters.
      const requestedAfterConnect = requested && !(this.state.lastSync === undefined && patched(FIRST_SYNC_STARTS_NO_GAP));
      this.state = withSyncStarted(this.state, Date.now(), requestedAfterConnect || !patched(GAP_AFTER_REQUESTED_SYNCS_ONLY));
    }
    await this.loadedContext();
    const pollMs = pollIntervalMs(this.state);
    const reminderHorizon = reminderHorizonMinutes(this.state);
    try {
      const result = await this.callProvider(() =>
        sync.syncConnection({
          connectionId: this.connectionId,
          reminderHorizonMinutes: reminderHorizon,
          ...(reconcile ? { reconcile: true } : {}),
        }),
      );
      // The whole outcome (last sync and next one) goes into the state before any await: a status query
      // answered while the health is recorded must not see a new last sync beside an old next sync.
      this.state = withNextSync(afterSyncSucceeded(this.state, result, Date.now()), pollMs, Date.now());
      if (patched(NEEDS_ATTENTION_HEALTH)) {
        const next = healthAfterSync(this.state);
        if (this.state.health !== next) await this.setHealth(next);
      } else if (this.state.health === 'error') await this.setHealth('active');
    } catch (error) {
      const type = failureType(error) ?? 'sync_failed';
      // Usage limits that can last hours: wait them out instead of retrying every poll interval.
      const quotaBackoff = type === 'quota_exhausted' && patched(QUOTA_BACKOFF);
      const waitMs = quotaBackoff ? (failureRetryAfterSeconds(error) ?? 0) * 1000 : 0;
      this.state = withNextSync(afterSyncFailed(this.state, Date.now()), pollMs, Date.now(), waitMs);
      if (quotaBackoff) {
        log.warn('provider quota exhausted; sync backs off', { connectionId: this.connectionId, waitMs });
        await this.setHealth('error', { code: type, message: 'provider quota exhausted' });
      } else if (type !== 'access_revoked') {
        log.warn('sync failed', { connectionId: this.connectionId, type });
        await this.setHealth('error', { code: type, message: failureMessage(error) });
      }
    } finally {
      this.syncRunning = false;
    }
  }

  /** Graph lifecycle notifications, one at a time: `missed` syncs, the others renew or recreate the subscription. */
  private async handlePushLifecycle(): Promise<void> {
    for (let next = takeLifecycleNotice(this.state); next && this.canCallProvider(); next = takeLifecycleNotice(this.state)) {
      this.state = next.state;
      const { channelId, event } = next.notice;
      if (event === 'missed') {
        this.state = withRequest(this.state, 'sync');
        continue;
      }
      try {
        const setup = await this.callProvider(() => provider.repairPushChannel({ connectionId: this.connectionId, channelId, event }));
        this.state = afterPushRenewed(this.state, setup.expiresAt, Date.now(), setup.unavailable);
      } catch (error) {
        log.warn('push channel repair failed', { connectionId: this.connectionId, type: failureType(error), event });
        this.state = afterPushFailed(this.state, Date.now());
      }
      // A subscription Graph removed may have missed changes meanwhile.
      if (event === 'subscriptionRemoved') this.state = withRequest(this.state, 'sync');
    }
  }

  private async refreshToken(): Promise<void> {
    try {
      const { tokenExpiresAt } = await this.callProvider(() => provider.refreshConnectionToken(this.connectionId));
      this.state = afterTokenRefreshed(this.state, tokenExpiresAt);
    } catch (error) {
      if (failureType(error) !== 'access_revoked') {
        this.state = afterTokenRefreshFailed(this.state, Date.now());
        await this.setHealth('error', { code: failureType(error) ?? 'refresh_failed', message: failureMessage(error) });
      }
    }
  }

  private async renewPushChannels(): Promise<void> {
    try {
      const { expiresAt, unavailable } = await this.callProvider(() => provider.ensurePushChannels(this.connectionId));
      this.state = afterPushRenewed(this.state, expiresAt, Date.now(), unavailable);
    } catch (error) {
      log.warn('push channel setup failed', { connectionId: this.connectionId, type: failureType(error) });
      this.state = afterPushFailed(this.state, Date.now());
    }
  }

  private async deliverDueReminders(): Promise<void> {
    const lead = this.state.context?.settings.preMeetingNotificationMinutes;
    if (lead === undefined) return;
    for (let due = takeDueReminder(this.state, Date.now()); due; due = takeDueReminder(this.state, Date.now())) {
      this.state = due.state;
      const { eventId, startAt } = due.reminder;
      await local.deliverReminder({ connectionId: this.connectionId, eventId, startAt, leadMinutes: lead });
    }
  }

  /** New tokens were stored by the OAuth callback: reload expiry and health, then sync and renew push at once. */
  private async reconnect(): Promise<void> {
    this.state = withoutRequest(this.state, 'reconnect');
    const { context: _stale, ...withoutContext } = this.state;
    this.state = withoutContext;
    await this.loadedContext();
    const { lastError: _cleared, ...withoutError } = this.state;
    this.state = withoutError;
    await this.setHealth('active');
    this.state = { ...withRequest(this.state, 'sync'), pushRetryAt: Date.now() };
  }

  /** Best effort at the provider (it may already have revoked us); our own records always end clean. */
  private async disconnect(): Promise<void> {
    await provider.stopPushChannels(this.connectionId).catch(() => undefined);
    await provider.revokeConnectionTokens(this.connectionId).catch(() => undefined);
    await local.markDisconnected(this.connectionId);
    this.state = { ...this.state, health: 'disconnected' };
    upsertSearchAttributes([{ key: ConnectionHealthKey, value: 'disconnected' }]);
  }
}

function failureType(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/** The provider's Retry-After carried by an activity failure's details (activities/failure-mapping.ts). */
function failureRetryAfterSeconds(error: unknown): number | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const details = cause.details?.[0] as { retryAfterSeconds?: unknown } | undefined;
  return typeof details?.retryAfterSeconds === 'number' ? details.retryAfterSeconds : undefined;
}

function failureMessage(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof Error ? cause.message : 'unknown failure';
}
