// The connection workflow's state transitions (workflows/connection/state.ts), without Temporal: what a
// run starts from, what each outcome changes, when the workflow wakes next and what continue-as-new carries.
import type { ConnectionContext } from '../../activities/connection/types';
import type { LegacyCarriedState } from '../../workflows/connection/messages';
import {
  afterPushFailed,
  afterPushRenewed,
  healthAfterSync,
  PUSH_UNAVAILABLE_RETRY_MS,
  reconcileDue,
  takeLifecycleNotice,
  withHeldDeletions,
  withLifecycleNotice,
  withReconcileScheduled,
  afterSyncFailed,
  afterSyncSucceeded,
  afterTokenRefreshFailed,
  carriedState,
  initialState,
  nextWakeAt,
  PUSH_RENEWAL_MARGIN_MS,
  statusOf,
  takeDueReminder,
  TOKEN_REFRESH_MARGIN_MS,
  tokenRefreshDue,
  withContext,
  withHealth,
  withNextSync,
  withoutRequest,
  withoutUpcoming,
  withRequest,
  withUpcoming,
} from '../../workflows/connection/state';

const NOW = Date.parse('2026-12-01T09:00:00Z');
const MINUTE = 60_000;

function context(overrides: Partial<ConnectionContext> = {}): ConnectionContext {
  return {
    settings: { defaultMeetingDurationMinutes: 30, syncPollIntervalMinutes: 15, preMeetingNotificationMinutes: 10 },
    storedHealth: 'active',
    syncedEvents: 0,
    migrationRequired: false,
    ...overrides,
  };
}

const syncResult = (upcoming: Array<{ eventId: string; startAt: string }> = []) => ({
  upserted: 3,
  deleted: 1,
  unchanged: 5,
  fullResync: false,
  syncedEvents: 42,
  upcoming,
});

describe('connection state', () => {
  it('starts a first run with a sync requested and every timer due now', () => {
    const state = initialState(undefined, NOW);
    expect(state).toMatchObject({ health: 'active', generation: 0, nextSyncAt: NOW, pushRetryAt: NOW, upcoming: [], reminders: [] });
    expect(state.pending).toEqual({ sync: true, reconnect: false, disconnect: false, migrate: false, settings: false });
  });

  it('upgrades the state older runs carried: their requests and outcomes kept, timers due now', () => {
    const legacy: LegacyCarriedState = {
      health: 'error',
      lastError: { code: 'transient', message: 'google 503', at: '2026-12-01T08:00:00.000Z' },
      syncRequested: false,
      reconnectRequested: true,
      disconnectRequested: false,
      migrateRequested: true,
      generation: 4,
    };
    const state = initialState(legacy, NOW);
    expect(state).toMatchObject({ health: 'error', lastError: legacy.lastError, generation: 4, nextSyncAt: NOW, pushRetryAt: NOW });
    expect(state.pending).toMatchObject({ sync: false, reconnect: true, migrate: true });
  });

  it('a loaded context sets the stored expiries and schedules the next sync one poll interval after the last', () => {
    const synced = afterSyncSucceeded(withContext(initialState(undefined, NOW), context(), NOW), syncResult(), NOW);
    const reloaded = withContext(
      synced,
      context({ tokenExpiresAt: '2026-12-01T10:00:00.000Z', pushChannelExpiresAt: '2026-12-03T00:00:00.000Z' }),
      NOW + MINUTE,
    );
    expect(reloaded.tokenExpiresAt).toBe(Date.parse('2026-12-01T10:00:00.000Z'));
    expect(reloaded.pushChannelExpiresAt).toBe(Date.parse('2026-12-03T00:00:00.000Z'));
    expect(reloaded.nextSyncAt).toBe(NOW + 15 * MINUTE);
  });

  it('records a sync outcome and plans reminders for the upcoming meetings it listed', () => {
    const start = new Date(NOW + 60 * MINUTE).toISOString();
    const state = afterSyncSucceeded(
      withContext(initialState(undefined, NOW), context(), NOW),
      syncResult([{ eventId: 'e1', startAt: start }]),
      NOW,
    );
    expect(state.lastSync).toMatchObject({ outcome: 'ok', upserted: 3, deleted: 1, unchanged: 5 });
    expect(state.context?.syncedEvents).toBe(42);
    expect(state.reminders).toEqual([{ eventId: 'e1', startAt: start, dueAt: NOW + 50 * MINUTE }]);

    const failed = withNextSync(afterSyncFailed(state, NOW + MINUTE), 15 * MINUTE, NOW + MINUTE);
    expect(failed.lastSync).toMatchObject({ outcome: 'error', upserted: 0 });
    expect(failed.nextSyncAt).toBe(NOW + 16 * MINUTE);
    expect(failed.reminders).toHaveLength(1);
  });

  it('hands out due reminders one at a time, earliest first, and forgets their meetings', () => {
    const base = withContext(initialState(undefined, NOW), context(), NOW);
    const soon = new Date(NOW + 5 * MINUTE).toISOString(); // inside the 10-minute lead: due now
    const later = new Date(NOW + 15 * MINUTE).toISOString(); // due in 5 minutes
    const planned = withUpcoming(withUpcoming(base, { eventId: 'later', startAt: later }, NOW), { eventId: 'soon', startAt: soon }, NOW);
    const first = takeDueReminder(planned, NOW)!;
    expect(first.reminder).toEqual({ eventId: 'soon', startAt: soon, dueAt: NOW });
    expect(takeDueReminder(first.state, NOW)).toBeUndefined();
    const second = takeDueReminder(first.state, NOW + 5 * MINUTE)!;
    expect(second.reminder.eventId).toBe('later');
    expect(second.state.upcoming).toEqual([]);
    expect(second.state.reminders).toEqual([]);
  });

  it('replaces a rescheduled meeting and drops a cancelled one from the reminder plan', () => {
    const base = withContext(initialState(undefined, NOW), context(), NOW);
    const moved = withUpcoming(
      withUpcoming(base, { eventId: 'm', startAt: new Date(NOW + 60 * MINUTE).toISOString() }, NOW),
      { eventId: 'm', startAt: new Date(NOW + 120 * MINUTE).toISOString() },
      NOW,
    );
    expect(moved.reminders.map((reminder) => reminder.dueAt)).toEqual([NOW + 110 * MINUTE]);
    expect(withoutUpcoming(moved, 'm', NOW).reminders).toEqual([]);
  });

  it('wakes for the earliest of sync, push renewal, token refresh and reminders; only reminders while reconnect is needed', () => {
    let state = withContext(initialState(undefined, NOW), context({ tokenExpiresAt: new Date(NOW + 30 * MINUTE).toISOString() }), NOW);
    state = withNextSync(state, 15 * MINUTE, NOW);
    state = afterPushRenewed(state, new Date(NOW + 3 * 60 * MINUTE).toISOString(), NOW);
    expect(state.pushRetryAt).toBe(NOW + 3 * 60 * MINUTE - PUSH_RENEWAL_MARGIN_MS);
    expect(nextWakeAt(state)).toBe(NOW + 15 * MINUTE);
    expect(tokenRefreshDue(state, NOW + 30 * MINUTE - TOKEN_REFRESH_MARGIN_MS)).toBe(true);
    expect(tokenRefreshDue(state, NOW + 30 * MINUTE - TOKEN_REFRESH_MARGIN_MS - 1)).toBe(false);

    const revoked = withHealth(state, 'needs_reconnect', NOW, { code: 'invalid_grant' }).state;
    expect(nextWakeAt(revoked)).toBe(Infinity);
    const withReminder = withUpcoming(revoked, { eventId: 'r', startAt: new Date(NOW + 40 * MINUTE).toISOString() }, NOW);
    expect(nextWakeAt(withReminder)).toBe(NOW + 30 * MINUTE);
  });

  it('retries a failed refresh a minute past the margin and a failed push renewal after a poll interval', () => {
    const state = withContext(initialState(undefined, NOW), context(), NOW);
    expect(afterTokenRefreshFailed(state, NOW).tokenExpiresAt).toBe(NOW + TOKEN_REFRESH_MARGIN_MS + MINUTE);
    expect(afterPushFailed(state, NOW).pushRetryAt).toBe(NOW + 15 * MINUTE);
  });

  it('says whether the health changed and keeps the last error', () => {
    const state = initialState(undefined, NOW);
    const failed = withHealth(state, 'error', NOW, { code: 'transient', message: 'google 503' });
    expect(failed.changed).toBe(true);
    expect(failed.state.lastError).toEqual({ code: 'transient', message: 'google 503', at: new Date(NOW).toISOString() });
    const again = withHealth(failed.state, 'error', NOW + MINUTE);
    expect(again.changed).toBe(false);
    expect(again.state.lastError).toEqual(failed.state.lastError);
  });

  it('carries the whole state to the next run, with a sync that came due as a request', () => {
    let state = withContext(initialState(undefined, NOW), context(), NOW);
    state = withNextSync({ ...state, pending: { ...state.pending, sync: false } }, 15 * MINUTE, NOW);
    state = withUpcoming(state, { eventId: 'x', startAt: new Date(NOW + 60 * MINUTE).toISOString() }, NOW);
    state = withRequest(state, 'migrate');
    const carried = carriedState(state, NOW + 16 * MINUTE);
    expect(carried.generation).toBe(1);
    expect(carried.pending).toMatchObject({ sync: true, migrate: true });
    expect(carried.reminders).toEqual(state.reminders);
    expect(initialState(carried, NOW + 16 * MINUTE)).toEqual(carried);
    expect(carriedState(state, NOW + MINUTE).pending.sync).toBe(false);
  });

  it('shows the status an operator and the API read', () => {
    const state = afterSyncSucceeded(withContext(initialState(undefined, NOW), context(), NOW), syncResult(), NOW);
    const status = statusOf(withNextSync(state, 15 * MINUTE, NOW), 'conn-1', 17);
    expect(status).toMatchObject({
      connectionId: 'conn-1',
      health: 'active',
      nextSyncAt: new Date(NOW + 15 * MINUTE).toISOString(),
      syncedEvents: 42,
      pendingReminders: 0,
      historyLength: 17,
      generation: 0,
    });
    expect(statusOf(withHealth(state, 'needs_reconnect', NOW).state, 'conn-1', 1).nextSyncAt).toBeUndefined();
  });

  it('shows a sync as running while inside one or requested, but not while reconnect is needed', () => {
    const idle = withoutRequest(withContext(initialState(undefined, NOW), context(), NOW), 'sync');
    expect(statusOf(idle, 'conn-1', 1).syncing).toBe(false);
    expect(statusOf(idle, 'conn-1', 1, true).syncing).toBe(true);
    const requested = withRequest(idle, 'sync');
    expect(statusOf(requested, 'conn-1', 1).syncing).toBe(true);
    expect(statusOf(withHealth(requested, 'needs_reconnect', NOW).state, 'conn-1', 1).syncing).toBe(false);
  });

  it('needs attention while the breaker holds deletions, and is active again once they are resolved', () => {
    const held = { calendarId: 'c', name: 'C', pending: 20, stored: 30, reason: 'share', since: new Date(NOW).toISOString() };
    const synced = afterSyncSucceeded(
      withContext(initialState(undefined, NOW), context(), NOW),
      { ...syncResult(), heldDeletions: [held] },
      NOW,
    );
    expect(healthAfterSync(synced)).toBe('needs_attention');
    // Syncing goes on while it needs attention: the status still says when.
    expect(statusOf(withHealth(synced, 'needs_attention', NOW).state, 'conn-1', 1)).toMatchObject({
      heldDeletions: [held],
      nextSyncAt: new Date(synced.nextSyncAt).toISOString(),
    });
    expect(healthAfterSync(withHeldDeletions(synced, []))).toBe('active');
  });

  it('waits a provider back-off longer than the poll interval before the next sync', () => {
    const state = withContext(initialState(undefined, NOW), context(), NOW);
    expect(withNextSync(state, 15 * MINUTE, NOW, 30 * MINUTE).nextSyncAt).toBe(NOW + 30 * MINUTE);
    expect(withNextSync(state, 15 * MINUTE, NOW, 1_000).nextSyncAt).toBe(NOW + 15 * MINUTE);
  });

  it('says why push is unavailable and looks again hours later, not every poll interval', () => {
    const unavailable = { code: 'https_required', message: 'PUBLIC_URL is http' };
    const state = afterPushRenewed(withContext(initialState(undefined, NOW), context(), NOW), undefined, NOW, unavailable);
    expect(state.pushRetryAt).toBe(NOW + PUSH_UNAVAILABLE_RETRY_MS);
    expect(statusOf(state, 'conn-1', 1).push).toEqual({ available: false, reason: unavailable });
    expect(statusOf(afterPushRenewed(state, new Date(NOW + 7 * 24 * 60 * MINUTE).toISOString(), NOW), 'conn-1', 1).push).toEqual({
      available: true,
    });
  });

  it('queues Graph lifecycle notices once each', () => {
    const notice = { channelId: 'sub-1', event: 'reauthorizationRequired' as const };
    let state = withLifecycleNotice(withLifecycleNotice(initialState(undefined, NOW), notice), notice);
    state = withLifecycleNotice(state, { channelId: 'sub-1', event: 'missed' });
    const first = takeLifecycleNotice(state)!;
    expect(first.notice).toEqual(notice);
    expect(takeLifecycleNotice(first.state)!.notice.event).toBe('missed');
    expect(takeLifecycleNotice(takeLifecycleNotice(first.state)!.state)).toBeUndefined();
  });

  it('schedules the daily reconciliation from the context and wakes for it', () => {
    const state = withContext(initialState(undefined, NOW), context({ reconcile: { dailyAtMinutes: 9 * 60 + 30, spreadMinutes: 0 } }), NOW);
    const scheduled = withReconcileScheduled(state, 'conn-1', NOW);
    expect(scheduled.nextReconcileAt).toBe(NOW + 30 * MINUTE);
    expect(reconcileDue(scheduled, NOW + 29 * MINUTE)).toBe(false);
    expect(reconcileDue(scheduled, NOW + 30 * MINUTE)).toBe(true);
    const quiet = { ...scheduled, nextSyncAt: NOW + 60 * MINUTE, pushRetryAt: NOW + 60 * MINUTE };
    expect(nextWakeAt(quiet)).toBe(NOW + 30 * MINUTE);
    // Without a schedule (histories of older versions), nothing changes.
    expect(
      withReconcileScheduled(withContext(initialState(undefined, NOW), context(), NOW), 'conn-1', NOW).nextReconcileAt,
    ).toBeUndefined();
  });
});
