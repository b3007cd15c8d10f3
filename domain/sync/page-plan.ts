// What a page of provider changes does to the stored rows, decided before anything is written: the page's
// existing rows are read in one query, this plan says per change what happens (create, update, refresh the
// version tag, stage a deletion, ...), and data/sync-pages.ts writes it in a few batched statements. Pure.
//
// The plan reproduces applying the changes one by one in page order: a page is cut where an event appears
// a second time (chunksWithoutRepeats), and within a chunk a cancelled occurrence finds its series master
// among the rows read and the rows planned before it.
import { contentHash, eventRecordFromProvider, type EventRecordFields } from '../event-record';
import type { EventChange, EventTime, ProviderEvent } from '../events';

/** What the planner needs of a stored row (the caller's row type carries more, and gets it back). */
export interface StoredEventState {
  externalEventId: string;
  contentHash: string;
  etag: string | null;
  status: string;
  pendingDeletionAt: Date | null;
  syncDirection: string;
  echoedAt: Date | null;
  seriesMasterExternalId: string | null;
  title: string | null;
  startAt: Date;
  endAt: Date;
}

/** Row columns for a provider version (content, version tag, hash). */
export type ProviderRowData = EventRecordFields & {
  etag: string | null;
  contentHash: string;
  externalUpdatedAt: Date;
  lastSyncedAt: Date;
};

export function rowDataFromProvider(event: ProviderEvent, now: Date): ProviderRowData {
  const fields = eventRecordFromProvider(event);
  const hash = contentHash(fields);
  return { ...fields, etag: event.version, contentHash: hash, externalUpdatedAt: new Date(event.updatedAt), lastSyncedAt: now };
}

export type PageStep<R> =
  /** A new row (an event, or a cancelled occurrence of a series we hold, kept as a cancelled exception). */
  | { kind: 'create'; externalEventId: string; data: ProviderRowData }
  /** New content: the row takes it (a staged deletion is lifted), the change is recorded. */
  | { kind: 'update'; row: R; data: ProviderRowData }
  /** Same content, new version tag or a staged deletion lifted: nothing to record. */
  | { kind: 'refresh'; row: R; etag: string }
  /** Not synced by policy (birthdays, working locations): cancelled at once, the change recorded. */
  | { kind: 'cancel'; row: R }
  /** Deleted at the provider: staged, applied when the pass settles (data/held-deletions.ts). */
  | { kind: 'stage'; row: R }
  /** Unchanged and listed by a full pass: marked seen (lastSyncedAt), so the pass's end keeps it. */
  | { kind: 'seen'; row: R };

export interface PageCounts {
  upserted: number;
  /** Rows cancelled at once (cancelled occurrences of a series, events excluded by the type policy). */
  deleted: number;
  /** Rows found deleted at the provider, staged: applied when the pass settles (data/held-deletions.ts). */
  staged: number;
  unchanged: number;
}

export interface PagePlan<R> {
  steps: Array<PageStep<R>>;
  counts: PageCounts;
  /** Series whose occurrences the page deleted: the caller checks whether their master still exists. */
  seriesTouched: string[];
  /** Our own writes this page lists for the first time: from now on a change listing reports their deletion. */
  echoed: R[];
}

export const externalIdOf = (change: EventChange): string => (change.type === 'upsert' ? change.event.externalId : change.externalId);

/** Consecutive runs of the page in which no event appears twice (each run is planned against fresh rows). */
export function chunksWithoutRepeats(changes: EventChange[]): EventChange[][] {
  const chunks: EventChange[][] = [];
  let current: EventChange[] = [];
  let ids = new Set<string>();
  for (const change of changes) {
    const id = externalIdOf(change);
    if (ids.has(id)) {
      chunks.push(current);
      current = [];
      ids = new Set();
    }
    ids.add(id);
    current.push(change);
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** The external ids whose rows the plan needs: the changes' own and the series masters of deleted occurrences. */
export function idsToRead(changes: EventChange[]): string[] {
  const ids = new Set<string>();
  for (const change of changes) {
    ids.add(externalIdOf(change));
    if (change.type === 'delete' && change.seriesMasterId) ids.add(change.seriesMasterId);
  }
  return [...ids];
}

type MasterView = Pick<StoredEventState, 'title' | 'startAt' | 'endAt'>;

/**
 * Plans a chunk (no event twice: chunksWithoutRepeats) against its rows as stored, keyed by external id.
 * `fullPass`: the pass lists everything, so unchanged rows are marked seen.
 */
export function planPage<R extends StoredEventState>(
  changes: EventChange[],
  stored: ReadonlyMap<string, R>,
  options: { calendarId: string; fullPass: boolean; now: Date },
): PagePlan<R> {
  const { now } = options;
  const steps: Array<PageStep<R>> = [];
  const counts: PageCounts = { upserted: 0, deleted: 0, staged: 0, unchanged: 0 };
  const seriesTouched = new Set<string>();
  const echoed: R[] = [];
  // Masters as they stand after the steps planned so far (a master created earlier in the page counts).
  const masters = new Map<string, MasterView>(stored);

  for (const change of changes) {
    const existing = stored.get(externalIdOf(change));
    if (change.type === 'delete') {
      // A cancelled occurrence of a series we hold, never stored as its own event: keep it as a cancelled
      // exception, so the series' state (which occurrences are gone) is known here too.
      if (!existing && change.reason === 'deleted' && change.seriesMasterId && change.originalStart) {
        const master = masters.get(change.seriesMasterId);
        if (master) {
          const occurrence = cancelledOccurrence(change, master, options.calendarId, now);
          steps.push({ kind: 'create', externalEventId: change.externalId, data: { ...rowDataFromProvider(occurrence, now), etag: null } });
          counts.deleted += 1;
          continue;
        }
      }
      // "Left the window" is not a deletion: the event still exists at the provider.
      if (change.reason === 'left_window' || !existing || existing.status === 'cancelled') {
        counts.unchanged += 1;
        continue;
      }
      if (change.reason === 'excluded') {
        steps.push({ kind: 'cancel', row: existing });
        counts.deleted += 1;
        continue;
      }
      if (!existing.pendingDeletionAt) {
        steps.push({ kind: 'stage', row: existing });
        counts.staged += 1;
      }
      if (existing.seriesMasterExternalId) seriesTouched.add(existing.seriesMasterExternalId);
      continue;
    }
    const data = rowDataFromProvider(change.event, now);
    if (existing?.syncDirection === 'outbound' && !existing.echoedAt) echoed.push(existing);
    masters.set(change.event.externalId, data);
    if (!existing) {
      steps.push({ kind: 'create', externalEventId: change.event.externalId, data });
      counts.upserted += 1;
    } else if (existing.contentHash === data.contentHash) {
      // Same content (e.g. our own write coming back): write nothing, or only the new version tag. A row
      // staged for deletion that is listed again is not deleted after all.
      if (existing.etag !== change.event.version || existing.pendingDeletionAt) {
        steps.push({ kind: 'refresh', row: existing, etag: change.event.version });
      } else if (options.fullPass) {
        steps.push({ kind: 'seen', row: existing });
      }
      counts.unchanged += 1;
    } else {
      steps.push({ kind: 'update', row: existing, data });
      counts.upserted += 1;
    }
  }
  return { steps, counts, seriesTouched: [...seriesTouched], echoed };
}

/** The provider event a cancelled occurrence stands for: the master's title and duration at its original start. */
function cancelledOccurrence(
  change: Extract<EventChange, { type: 'delete' }>,
  master: MasterView,
  calendarId: string,
  now: Date,
): ProviderEvent {
  const start = change.originalStart!;
  const durationMs = master.endAt.getTime() - master.startAt.getTime();
  const startMs = start.kind === 'date' ? Date.parse(`${start.date}T00:00:00Z`) : Date.parse(start.dateTime);
  const end: EventTime =
    start.kind === 'date'
      ? { kind: 'date', date: new Date(startMs + durationMs).toISOString().slice(0, 10) }
      : { kind: 'dateTime', dateTime: new Date(startMs + durationMs).toISOString(), timeZone: start.timeZone };
  return {
    externalId: change.externalId,
    calendarId,
    version: '',
    status: 'cancelled',
    ...(master.title ? { title: master.title } : {}),
    start,
    end,
    kind: 'exception',
    seriesMasterId: change.seriesMasterId!,
    originalStart: start,
    attendees: [],
    updatedAt: now.toISOString(),
  };
}
