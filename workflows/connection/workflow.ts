// One long-lived workflow per calendar connection. It loops through sync, token refresh, push-channel
// renewal and pre-meeting reminders, answers messages from the API, and continues as new before its
// history grows large. Deterministic: time comes from the SDK's workflow clock, all I/O from activities.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConnectionActivities, ConnectionContext } from '../../activities/connection/types';
import { eventEditSchema, occurrenceEditSchema, occurrenceScopeSchema, occurrenceStartSchema } from '../../domain/event-edit';
import { meetingChangeSchema, meetingFieldsSchema, requestIdSchema, resolveMeeting } from '../../domain/meeting';
import { planReminders, type PlannedReminder, type UpcomingMeeting } from '../../domain/reminders';
import { ConnectionHealth as ConnectionHealthKey } from '../search-attributes';
import {
  cancelMeetingUpdate,
  disconnectSignal,
  editEventUpdate,
  editOccurrenceUpdate,
  migrateSignal,
  reconnectSignal,
  rescheduleMeetingUpdate,
  resolveConflictUpdate,
  scheduleMeetingUpdate,
  settingsChangedSignal,
  statusQuery,
  syncNowSignal,
  type CarriedState,
  type ConnectionHealth,
  type ConnectionStatus,
  type ConnectionWorkflowInput,
  type LastError,
  type SyncOutcome,
} from './messages';
import { validateOrThrow } from './validate';

/** Continue as new past this many history events even if the server has not suggested it yet. */
export const HISTORY_EVENT_LIMIT = 2_000;
/** Refresh the access token this long before it expires. */
const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;
/** Renew push channels this long before they expire. */
const PUSH_RENEWAL_MARGIN_MS = 60 * 60_000;
const MINUTE = 60_000;

// Retry policies by kind of work. Activities raise provider failures as ApplicationFailure typed with the
// provider error kind; kinds that retrying cannot fix are non-retryable, and rate limits carry the
// provider's Retry-After as the next retry delay (see activities/provider-failure.ts).
const NON_RETRYABLE = ['access_revoked', 'invalid_request', 'malformed_response', 'not_found', 'version_conflict', 'connection_gone'];

const sync = proxyActivities<ConnectionActivities>({
  startToCloseTimeout: '15 minutes',
  // A sync heartbeats after every committed page; a crashed worker's attempt is retried after this.
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 6,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
});
const provider = proxyActivities<ConnectionActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 8,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
});
const local = proxyActivities<ConnectionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['connection_gone'] },
});

export async function connectionWorkflow(input: ConnectionWorkflowInput): Promise<void> {
  const { connectionId } = input;
  const carried: CarriedState = input.carried ?? {
    health: 'active',
    syncRequested: true, // first run: sync at once
    reconnectRequested: false,
    disconnectRequested: false,
    migrateRequested: false,
    generation: 0,
  };

  let health: ConnectionHealth = carried.health;
  let lastSync: SyncOutcome | undefined = carried.lastSync;
  let lastError: LastError | undefined = carried.lastError;
  let syncRequested = carried.syncRequested;
  let reconnectRequested = carried.reconnectRequested;
  let disconnectRequested = carried.disconnectRequested;
  let migrateRequested = carried.migrateRequested;
  let settingsChanged = false;

  let context: ConnectionContext | undefined;
  let nextSyncAt = Date.now();
  let pushChannelExpiresAt: number | undefined;
  let pushRetryAt = Date.now();
  let tokenExpiresAt: number | undefined;
  let upcoming: UpcomingMeeting[] = [];
  let reminders: PlannedReminder[] = [];

  // Writes of CRM-side changes and syncs take turns, so a sync never applies a page read before an edit
  // over that edit, and an edit always starts from the version the last sync stored. Only handlers added
  // with two-way sync (and the old ones past the patch below) take it: recorded histories never wait on it.
  let writeLockHeld = false;
  async function withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
    while (writeLockHeld) await condition(() => !writeLockHeld);
    writeLockHeld = true;
    try {
      return await fn();
    } finally {
      writeLockHeld = false;
    }
  }
  const SERIALISE_MEETING_WRITES = 'serialise-meeting-writes-with-sync';

  // ----- messages -------------------------------------------------------------------------------------

  setHandler(syncNowSignal, (request) => {
    syncRequested = true; // many notifications during one sync coalesce into this one flag
    // A changed calendar selection also needs push channels for the newly selected calendars now, not at
    // the next renewal. Patched: a behaviour change for running workflows (see README, Workflows).
    if (request?.reason === 'settings' && patched('push-channels-on-selection-change')) pushRetryAt = Date.now();
  });
  setHandler(disconnectSignal, () => {
    disconnectRequested = true;
  });
  setHandler(reconnectSignal, () => {
    reconnectRequested = true;
  });
  setHandler(settingsChangedSignal, () => {
    settingsChanged = true;
  });
  setHandler(migrateSignal, () => {
    migrateRequested = true;
  });

  setHandler(statusQuery, (): ConnectionStatus => ({
    connectionId,
    health,
    lastSync,
    nextSyncAt: health === 'active' ? new Date(nextSyncAt).toISOString() : undefined,
    lastError,
    syncedEvents: context?.syncedEvents ?? 0,
    pendingReminders: reminders.length,
    nextReminderAt: reminders[0] ? new Date(reminders[0].dueAt).toISOString() : undefined,
    pushChannelExpiresAt: pushChannelExpiresAt ? new Date(pushChannelExpiresAt).toISOString() : undefined,
    tokenExpiresAt: tokenExpiresAt ? new Date(tokenExpiresAt).toISOString() : undefined,
    settings: context?.settings,
    historyLength: workflowInfo().historyLength,
    generation: carried.generation,
  }));

  const requireActive = () => {
    if (disconnectRequested || health === 'disconnected') {
      throw ApplicationFailure.create({ type: 'connection_disconnected', message: 'The connection is disconnected', nonRetryable: true });
    }
    if (health === 'needs_reconnect') {
      throw ApplicationFailure.create({ type: 'reconnect_required', message: 'The connection needs reconnecting', nonRetryable: true });
    }
  };

  setHandler(
    scheduleMeetingUpdate,
    async ({ requestId, ...fields }) => {
      const meeting = resolveMeeting(meetingFieldsSchema.parse(fields), (await loadedContext()).settings.defaultMeetingDurationMinutes);
      const scheduled = await callProvider(() => provider.scheduleMeeting({ connectionId, requestId, meeting }));
      addUpcoming({ eventId: scheduled.eventId, startAt: scheduled.start });
      return scheduled;
    },
    {
      validator: ({ requestId, ...fields }) => {
        requireActive();
        validateOrThrow(requestIdSchema, requestId, 'requestId');
        validateOrThrow(meetingFieldsSchema, fields);
      },
    },
  );

  setHandler(
    rescheduleMeetingUpdate,
    async ({ eventId, change }) => {
      const { settings } = await loadedContext();
      const reschedule = () =>
        callProvider(() =>
          provider.rescheduleMeeting({
            connectionId,
            eventId,
            change: meetingChangeSchema.parse(change),
            defaultDurationMinutes: settings.defaultMeetingDurationMinutes,
          }),
        );
      const scheduled = patched(SERIALISE_MEETING_WRITES) ? await withWriteLock(reschedule) : await reschedule();
      upcoming = upcoming.filter((meeting) => meeting.eventId !== eventId);
      addUpcoming({ eventId, startAt: scheduled.start });
      return scheduled;
    },
    {
      validator: ({ requestId, eventId, change }) => {
        requireActive();
        validateOrThrow(requestIdSchema, requestId, 'requestId');
        if (typeof eventId !== 'string' || eventId.length === 0) throw new Error('eventId: must be an event id');
        validateOrThrow(meetingChangeSchema, change, 'change');
      },
    },
  );

  setHandler(
    cancelMeetingUpdate,
    async ({ eventId }) => {
      const cancel = () => callProvider(() => provider.cancelMeeting({ connectionId, eventId }));
      if (patched(SERIALISE_MEETING_WRITES)) await withWriteLock(cancel);
      else await cancel();
      upcoming = upcoming.filter((meeting) => meeting.eventId !== eventId);
      replanReminders();
      return { eventId, cancelled: true as const };
    },
    {
      validator: ({ requestId, eventId }) => {
        requireActive();
        validateOrThrow(requestIdSchema, requestId, 'requestId');
        if (typeof eventId !== 'string' || eventId.length === 0) throw new Error('eventId: must be an event id');
      },
    },
  );

  setHandler(
    editEventUpdate,
    async ({ eventId, edit, actor, requestedAt }) => {
      await loadedContext();
      const edited = await withWriteLock(() =>
        callProvider(() =>
          provider.editEvent({ connectionId, eventId, edit: eventEditSchema.parse(edit), actor, ...(requestedAt ? { requestedAt } : {}) }),
        ),
      );
      // Reminders follow from the next scheduled sync (a sync right now would race calendar-side edits).
      return edited;
    },
    {
      validator: ({ requestId, eventId, edit, actor }) => {
        requireActive();
        validateOrThrow(requestIdSchema, requestId, 'requestId');
        if (typeof eventId !== 'string' || eventId.length === 0) throw new Error('eventId: must be an event id');
        if (typeof actor !== 'string' || actor.length === 0) throw new Error('actor: must be a user id');
        validateOrThrow(eventEditSchema, edit, 'edit');
      },
    },
  );

  setHandler(
    editOccurrenceUpdate,
    async ({ requestId, eventId, originalStart, scope, change, actor, requestedAt }) => {
      await loadedContext();
      const request = { connectionId, requestId, eventId, originalStart, scope, change, actor, ...(requestedAt ? { requestedAt } : {}) };
      // Planned once, from the series as stored now; the write (and its retries) carries out that plan.
      return withWriteLock(() =>
        callProvider(async () => provider.applyOccurrenceEdit({ ...request, plan: await provider.planOccurrenceEdit(request) })),
      );
    },
    {
      validator: ({ requestId, eventId, originalStart, scope, change, actor }) => {
        requireActive();
        validateOrThrow(requestIdSchema, requestId, 'requestId');
        if (typeof eventId !== 'string' || eventId.length === 0) throw new Error('eventId: must be an event id');
        if (typeof actor !== 'string' || actor.length === 0) throw new Error('actor: must be a user id');
        validateOrThrow(occurrenceStartSchema, originalStart, 'originalStart');
        validateOrThrow(occurrenceScopeSchema, scope, 'scope');
        if (!change || typeof change !== 'object') throw new Error('change: must be an edit or a cancellation');
        if ('cancel' in change) {
          if (change.cancel !== true) throw new Error('change.cancel: must be true');
        } else validateOrThrow(occurrenceEditSchema, change.edit, 'edit');
      },
    },
  );

  setHandler(
    resolveConflictUpdate,
    async ({ conflictId, choice, merged, actor }) => {
      await loadedContext();
      const resolved = await withWriteLock(() =>
        callProvider(() =>
          provider.resolveConflict({
            connectionId,
            conflictId,
            choice,
            actor,
            ...(merged ? { merged: eventEditSchema.parse(merged) } : {}),
          }),
        ),
      );
      return resolved;
    },
    {
      validator: ({ requestId, conflictId, choice, merged, actor }) => {
        requireActive();
        validateOrThrow(requestIdSchema, requestId, 'requestId');
        if (typeof conflictId !== 'string' || conflictId.length === 0) throw new Error('conflictId: must be a conflict id');
        if (typeof actor !== 'string' || actor.length === 0) throw new Error('actor: must be a user id');
        if (choice !== 'local' && choice !== 'remote' && choice !== 'merged') throw new Error('choice: must be local, remote or merged');
        if (merged !== undefined) validateOrThrow(eventEditSchema, merged, 'merged');
      },
    },
  );

  // ----- helpers ----------------------------------------------------------------------------------------

  async function loadedContext(): Promise<ConnectionContext> {
    if (!context || settingsChanged) {
      settingsChanged = false;
      context = await local.loadConnectionContext(connectionId);
      if (context.tokenExpiresAt) tokenExpiresAt = Date.parse(context.tokenExpiresAt);
      if (context.pushChannelExpiresAt) pushChannelExpiresAt = Date.parse(context.pushChannelExpiresAt);
      if (lastSync) nextSyncAt = Date.parse(lastSync.at) + context.settings.syncPollIntervalMinutes * MINUTE;
      replanReminders();
    }
    return context;
  }

  function addUpcoming(meeting: UpcomingMeeting) {
    upcoming = [...upcoming.filter((known) => known.eventId !== meeting.eventId), meeting];
    replanReminders();
  }

  function replanReminders() {
    const lead = context?.settings.preMeetingNotificationMinutes;
    reminders = lead === undefined ? [] : planReminders(upcoming, lead, Date.now());
  }

  async function setHealth(next: ConnectionHealth, errorCode?: string, message?: string) {
    if (errorCode) lastError = { code: errorCode, message: message ?? errorCode, at: new Date(Date.now()).toISOString() };
    if (next === health && !errorCode) return;
    health = next;
    upsertSearchAttributes([{ key: ConnectionHealthKey, value: next }]);
    await local.recordConnectionHealth({ connectionId, health: next, errorCode });
  }

  /** Runs a provider-calling activity; a revoked grant moves the connection to needs_reconnect. */
  async function callProvider<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const type = failureType(error);
      if (type === 'access_revoked') {
        await setHealth('needs_reconnect', 'invalid_grant', 'The calendar account revoked access; reconnect it');
      }
      throw error;
    }
  }

  async function runSync() {
    syncRequested = false;
    const { settings } = await loadedContext();
    const horizon = settings.preMeetingNotificationMinutes + 2 * settings.syncPollIntervalMinutes;
    try {
      const result = await callProvider(() => sync.syncConnection({ connectionId, reminderHorizonMinutes: horizon }));
      lastSync = {
        at: new Date(Date.now()).toISOString(),
        outcome: 'ok',
        upserted: result.upserted,
        deleted: result.deleted,
        unchanged: result.unchanged,
        fullResync: result.fullResync,
      };
      context = { ...context!, syncedEvents: result.syncedEvents };
      if (result.tokenExpiresAt) tokenExpiresAt = Date.parse(result.tokenExpiresAt);
      upcoming = result.upcoming;
      replanReminders();
      if (health === 'error') await setHealth('active');
    } catch (error) {
      const type = failureType(error) ?? 'sync_failed';
      lastSync = { at: new Date(Date.now()).toISOString(), outcome: 'error', upserted: 0, deleted: 0, unchanged: 0, fullResync: false };
      if (type !== 'access_revoked') {
        log.warn('sync failed', { connectionId, type });
        await setHealth('error', type, failureMessage(error));
      }
    }
    nextSyncAt = Date.now() + settings.syncPollIntervalMinutes * MINUTE;
  }

  async function refreshToken() {
    try {
      const { tokenExpiresAt: expiresAt } = await callProvider(() => provider.refreshConnectionToken(connectionId));
      tokenExpiresAt = Date.parse(expiresAt);
    } catch (error) {
      if (failureType(error) !== 'access_revoked') {
        // The refresh is retried on demand by the next call that gets a 401; try the timer again later.
        tokenExpiresAt = Date.now() + TOKEN_REFRESH_MARGIN_MS + MINUTE;
        await setHealth('error', failureType(error) ?? 'refresh_failed', failureMessage(error));
      }
    }
  }

  async function renewPushChannels() {
    try {
      const { expiresAt } = await callProvider(() => provider.ensurePushChannels(connectionId));
      pushChannelExpiresAt = expiresAt ? Date.parse(expiresAt) : undefined;
      pushRetryAt = pushChannelExpiresAt ? pushChannelExpiresAt - PUSH_RENEWAL_MARGIN_MS : Date.now() + 60 * MINUTE;
    } catch (error) {
      // Push is an optimisation: periodic sync is the safety net. Try again after a poll interval.
      log.warn('push channel setup failed', { connectionId, type: failureType(error) });
      pushRetryAt = Date.now() + (context?.settings.syncPollIntervalMinutes ?? 15) * MINUTE;
    }
  }

  async function deliverDueReminders() {
    const lead = context?.settings.preMeetingNotificationMinutes;
    if (lead === undefined) return;
    while (reminders[0] && reminders[0].dueAt <= Date.now()) {
      const reminder = reminders.shift()!;
      upcoming = upcoming.filter((meeting) => meeting.eventId !== reminder.eventId || meeting.startAt !== reminder.startAt);
      await local.deliverReminder({ connectionId, eventId: reminder.eventId, startAt: reminder.startAt, leadMinutes: lead });
    }
  }

  async function disconnect() {
    // Best effort at the provider (it may already have revoked us); our own records always end clean.
    await provider.stopPushChannels(connectionId).catch(() => undefined);
    await provider.revokeConnectionTokens(connectionId).catch(() => undefined);
    await local.markDisconnected(connectionId);
    health = 'disconnected';
    upsertSearchAttributes([{ key: ConnectionHealthKey, value: 'disconnected' }]);
  }

  function shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= (input.historyEventLimit ?? HISTORY_EVENT_LIMIT);
  }

  function nextWakeAt(): number {
    const candidates = [reminders[0]?.dueAt ?? Infinity];
    if (health !== 'needs_reconnect') {
      candidates.push(nextSyncAt, pushRetryAt);
      if (tokenExpiresAt !== undefined) candidates.push(tokenExpiresAt - TOKEN_REFRESH_MARGIN_MS);
    }
    return Math.min(...candidates);
  }

  // ----- the loop --------------------------------------------------------------------------------------

  await loadedContext();
  if (context!.storedHealth === 'needs_reconnect' && health === 'active' && !reconnectRequested) {
    await setHealth('needs_reconnect', 'invalid_grant');
  }

  for (;;) {
    if (disconnectRequested) {
      await condition(allHandlersFinished);
      await disconnect();
      return;
    }
    if (reconnectRequested) {
      reconnectRequested = false;
      context = undefined; // new tokens: reload expiry and health
      await loadedContext();
      lastError = undefined;
      await setHealth('active');
      syncRequested = true;
      pushRetryAt = Date.now();
    }
    if (migrateRequested) {
      migrateRequested = false;
      await local.migrateConnectionTokens(connectionId);
    }
    if (settingsChanged) await loadedContext();

    // Each step may move the connection to needs_reconnect, which stops all provider calls until reconnect.
    const canCallProvider = () => health !== 'needs_reconnect';
    if (canCallProvider() && tokenExpiresAt !== undefined && Date.now() >= tokenExpiresAt - TOKEN_REFRESH_MARGIN_MS) await refreshToken();
    if (canCallProvider() && (syncRequested || Date.now() >= nextSyncAt)) {
      // The lock is free unless a two-way edit is running; then the sync waits for it (no command either way).
      if (writeLockHeld) await withWriteLock(runSync);
      else {
        writeLockHeld = true;
        try {
          await runSync();
        } finally {
          writeLockHeld = false;
        }
      }
    }
    if (canCallProvider() && Date.now() >= pushRetryAt) await renewPushChannels();
    await deliverDueReminders();

    if (shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof connectionWorkflow>({
        ...input,
        carried: {
          health,
          lastSync,
          lastError,
          // Signals that arrived while this run was ending are carried, never dropped.
          syncRequested: syncRequested || Date.now() >= nextSyncAt,
          reconnectRequested,
          disconnectRequested,
          migrateRequested,
          generation: carried.generation + 1,
        },
      });
    }

    // While reconnect is needed a sync request waits (it runs after the reconnect); waking for it would spin.
    const wake = () =>
      (syncRequested && canCallProvider()) || disconnectRequested || reconnectRequested || migrateRequested || settingsChanged;
    const sleepMs = nextWakeAt() - Date.now();
    if (sleepMs === Infinity) await condition(wake);
    else await condition(wake, Math.max(1, sleepMs));
  }
}

function failureType(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

function failureMessage(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof Error ? cause.message : 'unknown failure';
}
