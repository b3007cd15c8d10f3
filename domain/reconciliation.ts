// When each connection reads its calendars in full once a day (the daily reconciliation that repairs drift
// an incremental sync cannot see). All connections share one configured time of day, spread over a window
// by a stable hash of the connection id so they do not all hit the providers at once. Pure and
// deterministic (the workflow calls it).

import { stableHash } from './stable-hash';

export interface ReconcileSchedule {
  /** Minutes after 00:00 UTC at which the window opens (RECONCILE_DAILY_AT). */
  dailyAtMinutes: number;
  /** Width of the window the connections are spread over (RECONCILE_SPREAD_MINUTES); 0: all at once. */
  spreadMinutes: number;
}

export const DEFAULT_RECONCILE_SCHEDULE: ReconcileSchedule = { dailyAtMinutes: 3 * 60, spreadMinutes: 240 };

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** This connection's place in the window, in minutes after it opens. */
export function reconcileOffsetMinutes(connectionId: string, spreadMinutes: number): number {
  return spreadMinutes <= 0 ? 0 : stableHash(connectionId) % spreadMinutes;
}

/** The first time strictly after `now` (epoch ms) at which this connection's daily reconciliation is due. */
export function nextReconcileAt(connectionId: string, schedule: ReconcileSchedule, now: number): number {
  const slotMs = (schedule.dailyAtMinutes + reconcileOffsetMinutes(connectionId, schedule.spreadMinutes)) * MINUTE_MS;
  const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
  let at = dayStart + (slotMs % DAY_MS);
  while (at <= now) at += DAY_MS;
  return at;
}
