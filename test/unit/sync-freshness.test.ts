// When synced rows may answer free/busy (domain/sync-freshness.ts): fresh with push live and a sync within
// the poll interval, or a very recent sync without push; never with a failing or unsynced calendar.
import { FRESH_WITHOUT_PUSH_MS, POLL_GRACE_MS, syncFreshness, withinSyncedWindow } from '../../domain/sync-freshness';

const NOW = Date.parse('2026-12-01T09:00:00Z');
const POLL = 15 * 60_000;
const ago = (ms: number) => new Date(NOW - ms);
const calendar = (lastSyncAgoMs: number | null, pushLive = true, syncErrorCode: string | null = null) => ({
  lastSyncAt: lastSyncAgoMs === null ? null : ago(lastSyncAgoMs),
  pushLive,
  syncErrorCode,
});

describe('syncFreshness', () => {
  it('is fresh with push live and every calendar synced within the poll interval (plus grace)', () => {
    const answer = syncFreshness([calendar(60_000), calendar(POLL)], POLL, NOW);
    expect(answer).toEqual({ fresh: true, lastSyncAt: ago(POLL).toISOString(), pushLive: true });
    expect(syncFreshness([calendar(POLL + POLL_GRACE_MS + 1)], POLL, NOW).fresh).toBe(false);
  });

  it('without push on every calendar, only a very recent sync is fresh', () => {
    expect(syncFreshness([calendar(60_000), calendar(60_000, false)], POLL, NOW)).toMatchObject({ fresh: true, pushLive: false });
    expect(syncFreshness([calendar(FRESH_WITHOUT_PUSH_MS + 1, false)], POLL, NOW)).toMatchObject({ fresh: false, pushLive: false });
  });

  it('is not fresh with a calendar never synced, a failing calendar, or none selected', () => {
    expect(syncFreshness([calendar(1_000), calendar(null)], POLL, NOW)).toEqual({ fresh: false, lastSyncAt: null, pushLive: true });
    expect(syncFreshness([calendar(1_000, true, 'forbidden')], POLL, NOW).fresh).toBe(false);
    expect(syncFreshness([], POLL, NOW)).toEqual({ fresh: false, lastSyncAt: null, pushLive: false });
  });
});

describe('withinSyncedWindow', () => {
  it('accepts windows inside 90 days back and a year ahead only', () => {
    const day = 86_400_000;
    expect(withinSyncedWindow({ from: new Date(NOW), to: new Date(NOW + 7 * day) }, NOW)).toBe(true);
    expect(withinSyncedWindow({ from: new Date(NOW + 400 * day), to: new Date(NOW + 401 * day) }, NOW)).toBe(false);
    expect(withinSyncedWindow({ from: new Date(NOW - 91 * day), to: new Date(NOW) }, NOW)).toBe(false);
  });
});
