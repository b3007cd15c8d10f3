// Periodic work spread over time per connection: after a restart (a new run, or continue-as-new) whose
// poll, push renewal or daily reconciliation is already due, each connection waits its own offset, derived
// from its id, before doing it, so 10,000 connections do not all call the providers in the same second.
// Deterministic (no Math.random): the same id always gets the same offset. A sync someone asked for (a new
// connection's first sync, a push, "sync now") is never delayed. Pure; the workflow applies it behind a
// patch (connection-run.ts).
import { spreadOffsetMs } from '../../domain/stable-hash';
import { pollIntervalMs, PUSH_RENEWAL_MARGIN_MS, type ConnectionState } from './state';

/** Runs started before this patch did their due work at once; their histories must replay that way. */
export const SPREAD_PERIODIC_WORK = 'spread-periodic-work';

/** Overdue push renewals are spread over this window (well within the renewal margin before expiry). */
export const PUSH_SPREAD_MS = PUSH_RENEWAL_MARGIN_MS / 2;
/** Overdue daily reconciliations are spread over this window. */
export const RECONCILE_SPREAD_MS = 60 * 60_000;

/** The state a run starts from with its overdue periodic work moved to `now` plus the connection's offsets. */
export function withSpreadStart(state: ConnectionState, connectionId: string, now: number): ConnectionState {
  const next = { ...state };
  if (!state.pending.sync && state.nextSyncAt <= now) {
    next.nextSyncAt = now + spreadOffsetMs(`poll:${connectionId}`, pollIntervalMs(state));
  }
  const pushAt = now + spreadOffsetMs(`push:${connectionId}`, PUSH_SPREAD_MS);
  // Only while the current channel outlives the wait (a missing or expiring channel is renewed at once).
  if (state.pushRetryAt <= now && state.pushChannelExpiresAt !== undefined && state.pushChannelExpiresAt > pushAt + PUSH_SPREAD_MS) {
    next.pushRetryAt = pushAt;
  }
  if (state.nextReconcileAt !== undefined && state.nextReconcileAt <= now) {
    next.nextReconcileAt = now + spreadOffsetMs(`reconcile:${connectionId}`, RECONCILE_SPREAD_MS);
  }
  return next;
}
