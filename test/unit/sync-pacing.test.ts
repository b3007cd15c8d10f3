// Folding requested syncs: the workflow's pure pacing (sync-pacing.ts) and the API's signal coalescer.
import { SignalCoalescer } from '../../services/push-signal-coalescer';
import { initialState, withRequest, withoutRequest } from '../../workflows/connection/state';
import { requestedSyncDueAt, withSyncStarted } from '../../workflows/connection/sync-pacing';

const NOW = Date.parse('2026-12-01T09:00:00Z');

describe('requested syncs keep a minimum gap', () => {
  it('is due at once when no sync ran yet, and a gap after the last one started otherwise', () => {
    const fresh = withoutRequest(initialState(undefined, NOW), 'sync');
    expect(requestedSyncDueAt(fresh, 10_000)).toBe(Number.POSITIVE_INFINITY);
    expect(requestedSyncDueAt(withRequest(fresh, 'sync'), 10_000)).toBe(Number.NEGATIVE_INFINITY);
    const synced = withSyncStarted(fresh, NOW);
    expect(requestedSyncDueAt(withRequest(synced, 'sync'), 10_000)).toBe(NOW + 10_000);
    // A gap of 0 is the old behaviour: due as soon as requested.
    expect(requestedSyncDueAt(withRequest(synced, 'sync'), 0)).toBe(NOW);
  });

  it('keeps the gap from requested syncs only: a poll does not hold back the push that follows it', () => {
    const requested = withSyncStarted(withoutRequest(initialState(undefined, NOW), 'sync'), NOW);
    const polled = withSyncStarted(requested, NOW + 60_000, false);
    // A push a second after the poll is due at once (the last requested sync was a minute ago)...
    expect(requestedSyncDueAt(withRequest(polled, 'sync'), 10_000)).toBe(NOW + 10_000);
    expect(requestedSyncDueAt(withRequest(polled, 'sync'), 10_000)).toBeLessThan(NOW + 61_000);
    // ...while a second requested sync within the gap still waits for its end.
    const pushed = withSyncStarted(polled, NOW + 61_000);
    expect(requestedSyncDueAt(withRequest(pushed, 'sync'), 10_000)).toBe(NOW + 71_000);
  });
});

describe('SignalCoalescer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('signals the first request at once and folds a flood into one trailing signal per gap', async () => {
    const sent: string[] = [];
    const coalescer = new SignalCoalescer(async (id) => {
      sent.push(id);
    }, 10_000);
    const start = Date.now();
    expect(await coalescer.request('c1', start)).toBe('sent');
    for (let i = 1; i <= 500; i += 1) expect(await coalescer.request('c1', start + i)).toBe('folded');
    expect(await coalescer.request('c2', start + 1)).toBe('sent');
    expect(sent).toEqual(['c1', 'c2']);
    jest.advanceTimersByTime(10_000);
    // One trailing signal covers every folded one (a change notified mid-gap is still synced after it).
    expect(sent).toEqual(['c1', 'c2', 'c1']);
    jest.advanceTimersByTime(60_000);
    expect(sent).toEqual(['c1', 'c2', 'c1']);
    coalescer.close();
  });
});
