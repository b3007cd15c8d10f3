// Free/busy from the synced rows (run in the API, no provider call): for each connection, how fresh its
// rows are (domain/sync-freshness.ts), and for the fresh ones the busy blocks of the calendars its owner
// selected, from the same rows and rules as the busy-only calendar feed (domain/ical/busy-blocks.ts):
// cancelled and `showAs: free` events stay out, private events count as plain busy blocks, series are
// expanded in their own zone. Four queries for all connections together (more past 400 calendars).
import type { Db } from '../db/client';
import { groupBy, inGroupsOf } from '../domain/collections';
import { busyRowsTouching } from '../data/busy-rows';
import { readSettings } from '../data/settings';
import type { Span } from '../domain/freebusy';
import { busyBlocks } from '../domain/ical/busy-blocks';
import { syncFreshness, withinSyncedWindow, type SyncFreshness } from '../domain/sync-freshness';
import { CALENDARS_PER_QUERY } from './ical-feeds';

export interface SyncedBusy {
  freshness: SyncFreshness;
  /** Present only when the rows are fresh enough to answer for the connection. */
  busy?: Span[];
}

const pairKey = (row: { connectionId: string; externalCalendarId: string }) => `${row.connectionId}\u0000${row.externalCalendarId}`;

/**
 * The busy-relevant rows of the selected calendars in the window. Each statement asks for its calendars as two
 * IN lists (their connections, their ids), which the (connection, calendar, event) index serves: a superset of
 * the pairs, whose extra rows are dropped here, with any row of another organization (the tenant check is
 * made on the rows, not in SQL, where it would steer SQLite to the organization's start-time index and every
 * row of the organization). An OR of pairs instead was evaluated for every row: most of a 50-person request's
 * time. Groups of pairs keep a statement within SQLite's 999 values.
 */
async function selectedRowsTouching(
  db: Db,
  organizationId: string,
  selected: Array<{ connectionId: string; externalCalendarId: string }>,
  window: { from: Date; to: Date },
) {
  const parts = await Promise.all(
    inGroupsOf(selected, CALENDARS_PER_QUERY).map(async (some) => {
      const rows = await busyRowsTouching(
        db,
        {
          connectionIds: [...new Set(some.map((calendar) => calendar.connectionId))],
          externalCalendarIds: [...new Set(some.map((calendar) => calendar.externalCalendarId))],
        },
        window,
      );
      // Each group keeps only its own pairs: the groups' supersets may overlap, their pairs do not.
      const wanted = new Set(some.map(pairKey));
      return rows.filter((row) => row.organizationId === organizationId && wanted.has(pairKey(row)));
    }),
  );
  return parts.flat();
}

export async function syncedBusyOf(
  db: Db,
  organizationId: string,
  connectionIds: string[],
  window: { from: Date; to: Date },
  now = new Date(),
): Promise<Map<string, SyncedBusy>> {
  const answers = new Map<string, SyncedBusy>();
  if (connectionIds.length === 0) return answers;
  const [settings, calendars, channels] = await Promise.all([
    readSettings(db, organizationId),
    db.connectionCalendar.findMany({
      where: { connectionId: { in: connectionIds }, syncEnabled: true },
      select: { connectionId: true, externalCalendarId: true, lastSyncAt: true, syncErrorCode: true },
    }),
    db.pushChannel.findMany({
      where: { connectionId: { in: connectionIds }, status: 'active', expiresAt: { gt: now } },
      select: { connectionId: true, externalCalendarId: true },
    }),
  ]);
  const live = new Set(channels.map(pairKey));
  const pollMs = settings.syncPollIntervalMinutes * 60_000;
  const inWindow = withinSyncedWindow(window, now.getTime());
  const calendarsOf = groupBy(calendars, (calendar) => calendar.connectionId);
  for (const connectionId of connectionIds) {
    const mine = (calendarsOf.get(connectionId) ?? []).map((calendar) => ({
      ...calendar,
      pushLive: live.has(pairKey(calendar)),
    }));
    const freshness = syncFreshness(mine, pollMs, now.getTime());
    answers.set(connectionId, { freshness: { ...freshness, fresh: freshness.fresh && inWindow } });
  }

  const fresh = connectionIds.filter((id) => answers.get(id)!.freshness.fresh);
  const rows = await selectedRowsTouching(
    db,
    organizationId,
    calendars.filter((calendar) => answers.get(calendar.connectionId)!.freshness.fresh),
    window,
  );
  const rowsOf = groupBy(rows, (row) => row.connectionId);
  for (const connectionId of fresh) {
    const blocks = busyBlocks(rowsOf.get(connectionId) ?? [], window, now);
    const answer = answers.get(connectionId)!;
    answer.busy = blocks.map((block) => [block.start.getTime(), block.end.getTime()] as const);
  }
  return answers;
}
