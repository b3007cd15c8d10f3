// The pure plan of a sync page (domain/sync/page-plan.ts): what each change does to the stored rows.
import type { EventChange, ProviderEvent } from '../../domain/events';
import { chunksWithoutRepeats, idsToRead, planPage, rowDataFromProvider, type StoredEventState } from '../../domain/sync/page-plan';

const NOW = new Date('2026-11-28T10:00:00.000Z');

function event(id: string, overrides: Partial<ProviderEvent> = {}): ProviderEvent {
  return {
    externalId: id,
    calendarId: 'primary',
    version: `v-${id}`,
    status: 'confirmed',
    title: `Event ${id}`,
    start: { kind: 'dateTime', dateTime: '2026-12-01T09:00:00.000Z', timeZone: 'UTC' },
    end: { kind: 'dateTime', dateTime: '2026-12-01T10:00:00.000Z', timeZone: 'UTC' },
    kind: 'single',
    attendees: [],
    updatedAt: '2026-11-27T00:00:00.000Z',
    ...overrides,
  };
}

type Row = StoredEventState & { id: string };

function stored(source: ProviderEvent, overrides: Partial<Row> = {}): Row {
  const data = rowDataFromProvider(source, NOW);
  return {
    id: `row-${source.externalId}`,
    externalEventId: source.externalId,
    contentHash: data.contentHash,
    etag: data.etag,
    status: data.status,
    pendingDeletionAt: null,
    syncDirection: 'inbound',
    echoedAt: null,
    seriesMasterExternalId: data.seriesMasterExternalId,
    title: data.title,
    startAt: data.startAt,
    endAt: data.endAt,
    ...overrides,
  };
}

const upsert = (e: ProviderEvent): EventChange => ({ type: 'upsert', event: e });
const rowsOf = (...rows: Row[]) => new Map(rows.map((row) => [row.externalEventId, row]));
const plan = (changes: EventChange[], rows: Map<string, Row>, fullPass = false) =>
  planPage(changes, rows, { calendarId: 'primary', fullPass, now: NOW });

describe('planPage', () => {
  it('creates unknown events and updates changed ones, counting both as upserted', () => {
    const known = event('b');
    const result = plan([upsert(event('a')), upsert({ ...known, title: 'Renamed', version: 'v2' })], rowsOf(stored(known)));
    expect(result.steps.map((step) => step.kind)).toEqual(['create', 'update']);
    expect(result.counts).toEqual({ upserted: 2, deleted: 0, staged: 0, unchanged: 0 });
    const update = result.steps[1]!;
    expect(update.kind === 'update' && update.data.title).toBe('Renamed');
  });

  it('writes nothing for the same version (a replayed page); a full pass marks it seen', () => {
    const known = event('a');
    const rows = rowsOf(stored(known));
    expect(plan([upsert(known)], rows).steps).toEqual([]);
    expect(plan([upsert(known)], rows, true).steps.map((step) => step.kind)).toEqual(['seen']);
    expect(plan([upsert(known)], rows).counts.unchanged).toBe(1);
  });

  it('refreshes only the version tag of the same content, and lifts a staged deletion', () => {
    const known = event('a');
    expect(plan([upsert({ ...known, version: 'newer' })], rowsOf(stored(known))).steps).toEqual([
      { kind: 'refresh', row: stored(known), etag: 'newer' },
    ]);
    const staged = stored(known, { pendingDeletionAt: NOW });
    expect(plan([upsert(known)], rowsOf(staged)).steps.map((step) => step.kind)).toEqual(['refresh']);
  });

  it('names our own writes listed for the first time (echoed), whatever else the page does with them', () => {
    const [unchanged, edited, echoedBefore, inbound] = ['a', 'b', 'c', 'd'].map((id) => event(id));
    const ours = (source: ProviderEvent, echoedAt: Date | null = null) => stored(source, { syncDirection: 'outbound', echoedAt });
    const result = plan(
      [upsert(unchanged!), upsert({ ...edited!, title: 'Edited in the calendar', version: 'v2' }), upsert(echoedBefore!), upsert(inbound!)],
      rowsOf(ours(unchanged!), ours(edited!), ours(echoedBefore!, NOW), stored(inbound!)),
    );
    expect(result.echoed.map((row) => row.externalEventId)).toEqual(['a', 'b']);
    expect(result.steps.map((step) => step.kind)).toEqual(['update']);
    // A deletion is no echo: the row is staged as any other.
    expect(plan([{ type: 'delete', externalId: 'a', reason: 'deleted' }], rowsOf(ours(unchanged!))).echoed).toEqual([]);
  });

  it('stages deletions once, ignores unknown, cancelled and out-of-window ones, cancels excluded types at once', () => {
    const live = stored(event('a'), { seriesMasterExternalId: 'series-1' });
    const already = stored(event('b'), { pendingDeletionAt: NOW });
    const cancelled = stored(event('c'), { status: 'cancelled' });
    const excluded = stored(event('d'));
    const result = plan(
      [
        { type: 'delete', externalId: 'a', reason: 'deleted' },
        { type: 'delete', externalId: 'b', reason: 'deleted' },
        { type: 'delete', externalId: 'c', reason: 'deleted' },
        { type: 'delete', externalId: 'd', reason: 'excluded' },
        { type: 'delete', externalId: 'e', reason: 'left_window' },
        { type: 'delete', externalId: 'unknown', reason: 'deleted' },
      ],
      rowsOf(live, already, cancelled, excluded),
    );
    expect(result.steps.map((step) => [step.kind, 'row' in step ? step.row.id : undefined])).toEqual([
      ['stage', 'row-a'],
      ['cancel', 'row-d'],
    ]);
    expect(result.counts).toEqual({ upserted: 0, deleted: 1, staged: 1, unchanged: 3 });
    expect(result.seriesTouched).toEqual(['series-1']);
  });

  it('keeps a cancelled occurrence of a held series as a cancelled exception with the master’s title and duration', () => {
    const master = event('m', { kind: 'seriesMaster', title: 'Standup', recurrence: ['RRULE:FREQ=DAILY'] });
    const originalStart = { kind: 'dateTime' as const, dateTime: '2026-12-03T09:00:00.000Z', timeZone: 'UTC' };
    const change: EventChange = { type: 'delete', externalId: 'm_20261203', reason: 'deleted', seriesMasterId: 'm', originalStart };
    const result = plan([change], rowsOf(stored(master)));
    expect(result.counts.deleted).toBe(1);
    const step = result.steps[0]!;
    expect(step.kind).toBe('create');
    if (step.kind !== 'create') return;
    expect(step.data).toMatchObject({ status: 'cancelled', title: 'Standup', eventKind: 'exception', etag: null });
    expect(step.data.endAt.toISOString()).toBe('2026-12-03T10:00:00.000Z');
    // The master may come earlier in the same page; without a master the occurrence is nothing to us.
    expect(plan([upsert(master), change], new Map()).steps.map((s) => s.kind)).toEqual(['create', 'create']);
    expect(plan([change], new Map()).steps).toEqual([]);
  });

  it('carries the privacy fields into the row data', () => {
    const result = plan([upsert(event('p', { isPrivate: true, showAs: 'free' }))], new Map());
    const step = result.steps[0]!;
    expect(step.kind === 'create' && [step.data.isPrivate, step.data.showAs]).toEqual([true, 'free']);
  });
});

describe('chunksWithoutRepeats and idsToRead', () => {
  it('cuts the page where an event comes again, keeping the order', () => {
    const a = upsert(event('a'));
    const b = upsert(event('b'));
    const aDeleted: EventChange = { type: 'delete', externalId: 'a', reason: 'deleted' };
    expect(chunksWithoutRepeats([a, b, aDeleted, b])).toEqual([
      [a, b],
      [aDeleted, b],
    ]);
    expect(chunksWithoutRepeats([])).toEqual([]);
  });

  it('reads the changes’ own rows and the masters of deleted occurrences', () => {
    const change: EventChange = { type: 'delete', externalId: 'm_1', reason: 'deleted', seriesMasterId: 'm' };
    expect(idsToRead([upsert(event('a')), change]).sort()).toEqual(['a', 'm', 'm_1']);
  });
});
