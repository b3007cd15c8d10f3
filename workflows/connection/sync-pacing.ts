// How often requested syncs may run: push notifications (and "sync now") for one connection that arrive
// closer together than the minimum gap are folded into one sync, started at the end of the gap. A flood
// of genuine-looking notifications therefore costs at most one sync per gap; the periodic poll is unchanged.
// Pure; the workflow applies it behind a patch (connection-run.ts).
import type { ConnectionState } from './state';

/** Runs started before this patch ran every requested sync at once; their histories must replay that way. */
export const COALESCE_REQUESTED_SYNCS = 'coalesce-requested-syncs';

/**
 * Past this patch only requested syncs start a gap: a poll (or the daily reconciliation) no longer holds back
 * the push that follows it. A change made just after a poll waited out the whole gap before, which was most
 * of bench:scale's change-to-row p99; a flood still gets one requested sync per gap.
 */
export const GAP_AFTER_REQUESTED_SYNCS_ONLY = 'gap-after-requested-syncs-only';

/**
 * Past this patch a connection's first sync starts no gap either: nobody asked for it but the connect, and a
 * push that comes right after it (the push channel is created just after the first sync) ran up to a whole
 * gap late.
 */
export const FIRST_SYNC_STARTS_NO_GAP = 'first-sync-starts-no-gap';

/** The gap when the workflow input names none (workflows started before it was passed). */
export const DEFAULT_MIN_SYNC_GAP_MS = 10_000;

/** When a requested sync may start (epoch ms): Infinity when none is pending. */
export function requestedSyncDueAt(state: ConnectionState, minGapMs: number): number {
  if (!state.pending.sync) return Number.POSITIVE_INFINITY;
  return (state.lastSyncStartedAt ?? Number.NEGATIVE_INFINITY) + minGapMs;
}

/** A sync starts; `startsGap` false: a periodic one, which requested syncs need not keep a gap from. */
export function withSyncStarted(state: ConnectionState, now: number, startsGap = true): ConnectionState {
  return startsGap ? { ...state, lastSyncStartedAt: now } : state;
}
