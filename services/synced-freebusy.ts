// Free/busy from the synced rows (run in the API, no provider call): for each connection, how fresh its
// rows are (domain/sync-freshness.ts), and for the fresh ones the busy blocks of the calendars its owner
// selected, from the same rows and rules as the busy-only calendar feed (domain/ical/busy-blocks.ts):
// cancelled and `showAs: free` events stay out, private events count as plain busy blocks, series are
// expanded in their own zone. Three queries for all connections together, whatever their number.
import type { Db } from '../db/client';
import { groupBy } from '../domain/collections';
import { readSettings } from '../data/settings';
import type { Interval } from '../domain/freebusy';
import { busyBlocks } from '../domain/ical/busy-blocks';
import { syncFreshness, withinSyncedWindow, type SyncFreshness } from '../domain/sync-freshness';
import { selectedEventsWhere } from './ical-feeds';

export interface SyncedBusy {
  freshness: SyncFreshness;
  /** Present only when the rows are fresh enough to answer for the connection. */
  busy?: Interval[];
}

const BUSY_COLUMNS = {
  connectionId: true,
  externalCalendarId: true,
  externalEventId: true,
  status: true,
  showAs: true,
  startAt: true,
  endAt: true,
  allDay: true,
  startDate: true,
  endDate: true,
  timeZone: true,
  eventKind: true,
  recurrence: true,
  seriesMasterExternalId: true,
  originalStartAt: true,
} as const;

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
  const live = new Set(channels.map((channel) => `${channel.connectionId}\u0000${channel.externalCalendarId}`));
  const pollMs = settings.syncPollIntervalMinutes * 60_000;
  const inWindow = withinSyncedWindow(window, now.getTime());
  const calendarsOf = groupBy(calendars, (calendar) => calendar.connectionId);
  for (const connectionId of connectionIds) {
    const mine = (calendarsOf.get(connectionId) ?? []).map((calendar) => ({
      ...calendar,
      pushLive: live.has(`${connectionId}\u0000${calendar.externalCalendarId}`),
    }));
    const freshness = syncFreshness(mine, pollMs, now.getTime());
    answers.set(connectionId, { freshness: { ...freshness, fresh: freshness.fresh && inWindow } });
  }

  const fresh = connectionIds.filter((id) => answers.get(id)!.freshness.fresh);
  const { wheres } = await selectedEventsWhere(db, organizationId, fresh, window);
  const rows = (await Promise.all(wheres.map((where) => db.calendarEvent.findMany({ where, select: BUSY_COLUMNS })))).flat();
  const rowsOf = groupBy(rows, (row) => row.connectionId);
  for (const connectionId of fresh) {
    const blocks = busyBlocks(rowsOf.get(connectionId) ?? [], window, now);
    const answer = answers.get(connectionId)!;
    answer.busy = blocks.map((block) => ({ start: block.start.toISOString(), end: block.end.toISOString() }));
  }
  return answers;
}
