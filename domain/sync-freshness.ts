// Whether a connection's synced rows can answer free/busy instead of the provider. Fresh means: every
// calendar the owner selected has been synced without error, and either its push channel is live (a change
// reaches the rows within seconds) and its last sync is within the poll interval (polls still run, so an
// older one means polling stopped), or, without push, its last sync is at most a couple of minutes old. A
// window outside what sync keeps (its window around now) is never answered from rows. Pure.

export interface CalendarSyncState {
  lastSyncAt: Date | null;
  syncErrorCode: string | null;
  /** A push channel of this calendar is active and not expired. */
  pushLive: boolean;
}

export interface SyncFreshness {
  fresh: boolean;
  /** The oldest last sync of the selected calendars (null: one was never synced). */
  lastSyncAt: string | null;
  /** Every selected calendar has a live push channel. */
  pushLive: boolean;
}

/** A poll may start this much after its interval (it runs in turn with writes and other work). */
export const POLL_GRACE_MS = 2 * 60_000;
/** Without push, rows count as fresh for this long after a sync. */
export const FRESH_WITHOUT_PUSH_MS = 2 * 60_000;
/** What sync keeps around now (Graph's calendarView window; Google lists everything): rows answer only inside it. */
export const SYNCED_WINDOW = { backMs: 90 * 86_400_000, aheadMs: 365 * 86_400_000 };

export function syncFreshness(calendars: CalendarSyncState[], pollMs: number, now: number): SyncFreshness {
  if (calendars.length === 0) return { fresh: false, lastSyncAt: null, pushLive: false };
  const times = calendars.map((calendar) => calendar.lastSyncAt?.getTime() ?? null);
  const oldest = times.some((time) => time === null) ? null : Math.min(...(times as number[]));
  const pushLive = calendars.every((calendar) => calendar.pushLive);
  const healthy = calendars.every((calendar) => !calendar.syncErrorCode);
  const age = oldest === null ? Infinity : now - oldest;
  const fresh = healthy && (pushLive ? age <= pollMs + POLL_GRACE_MS : age <= FRESH_WITHOUT_PUSH_MS);
  return { fresh, lastSyncAt: oldest === null ? null : new Date(oldest).toISOString(), pushLive };
}

/** Whether the asked window lies inside what sync keeps. */
export function withinSyncedWindow(window: { from: Date; to: Date }, now: number): boolean {
  return window.from.getTime() >= now - SYNCED_WINDOW.backMs && window.to.getTime() <= now + SYNCED_WINDOW.aheadMs;
}
