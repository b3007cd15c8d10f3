// What a busy-only feed may show of a calendar: when its owner is busy, and nothing else. Each event that
// shows as busy (not free, not cancelled) becomes one block per occurrence inside the feed's window: series
// are expanded here (bounded, domain/recurrence) instead of carrying their rules, so no title, zone, rule,
// attendee or provider id leaves with a block. Pure.
import { createHash } from 'node:crypto';
import { expandSeries } from '../recurrence/occurrences';

export interface BusyBlock {
  /** A UID that reveals nothing about the event. */
  uid: string;
  start: Date;
  end: Date;
  /** All-day blocks keep their dates (a DATE value carries no zone either). */
  dates?: { start: string; end: string };
}

export interface BusySourceRow {
  connectionId: string;
  externalCalendarId: string;
  externalEventId: string;
  status: string;
  showAs: string;
  startAt: Date;
  endAt: Date;
  allDay: boolean;
  startDate: string | null;
  endDate: string | null;
  timeZone: string | null;
  eventKind: string;
  recurrence: string | null;
  seriesMasterExternalId: string | null;
  originalStartAt: Date | null;
}

/** At most this many blocks in one feed: a calendar with more in its window is cut at the latest ones. */
export const MAX_BUSY_BLOCKS = 5000;
const DAY_MS = 86_400_000;

const uidOf = (row: BusySourceRow, start: Date) =>
  `${createHash('sha256')
    .update(`${row.connectionId}/${row.externalCalendarId}/${row.externalEventId}/${start.toISOString()}`)
    .digest('hex')
    .slice(0, 32)}@busy`;

const seriesKey = (row: { connectionId: string; externalCalendarId: string }, externalId: string) =>
  `${row.connectionId}\u0000${row.externalCalendarId}\u0000${externalId}`;

function blockOf(row: BusySourceRow, start: Date, end: Date): BusyBlock {
  // The UID is a hash, computed only when read: a feed reads it, a free/busy answer does not.
  const block = {
    get uid() {
      return uidOf(row, start);
    },
    start,
    end,
  };
  if (!row.allDay) return block;
  const startDate = start.toISOString().slice(0, 10);
  const endDate = end.toISOString().slice(0, 10);
  return Object.assign(block, { dates: { start: startDate, end: endDate > startDate ? endDate : startDate } });
}

export function busyBlocks(rows: BusySourceRow[], window: { from: Date; to: Date }, now: Date): BusyBlock[] {
  const overlaps = (start: Date, end: Date) => end > window.from && start < window.to;
  const blocks: BusyBlock[] = [];
  // Every occurrence some row stands for (moved, cancelled, or listed by Graph) is not expanded again.
  const taken = new Map<string, Set<number>>();
  for (const row of rows) {
    if (!row.seriesMasterExternalId || !row.originalStartAt) continue;
    const key = seriesKey(row, row.seriesMasterExternalId);
    (taken.get(key) ?? taken.set(key, new Set()).get(key)!).add(row.originalStartAt.getTime());
  }
  for (const row of rows) {
    if (row.status === 'cancelled' || row.showAs === 'free') continue;
    if (row.eventKind !== 'seriesMaster') {
      if (overlaps(row.startAt, row.endAt)) blocks.push(blockOf(row, row.startAt, row.endAt));
      continue;
    }
    const lines = row.recurrence ? (JSON.parse(row.recurrence) as string[]) : [];
    const duration = row.endAt.getTime() - row.startAt.getTime();
    const series = { start: row.startAt, timeZone: row.allDay ? 'UTC' : row.timeZone, lines };
    // Occurrences that began before the window but still run into it count too.
    const expanded = expandSeries(
      series,
      { from: new Date(window.from.getTime() - Math.max(duration, DAY_MS)), until: window.to },
      {
        now,
        limit: MAX_BUSY_BLOCKS,
      },
    );
    const skip = taken.get(seriesKey(row, row.externalEventId));
    for (const start of expanded.starts) {
      const end = new Date(start.getTime() + duration);
      if (!skip?.has(start.getTime()) && overlaps(start, end)) blocks.push(blockOf(row, start, end));
    }
  }
  return blocks.sort((a, b) => a.start.getTime() - b.start.getTime()).slice(0, MAX_BUSY_BLOCKS);
}
