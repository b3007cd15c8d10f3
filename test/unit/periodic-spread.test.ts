// Spreading periodic work after a restart (workflows/connection/spread.ts, domain/stable-hash.ts): each
// connection's overdue poll, push renewal and reconciliation wait an offset derived from its id.
import { randomUUID } from 'node:crypto';
import { spreadOffsetMs } from '../../domain/stable-hash';
import { PUSH_SPREAD_MS, RECONCILE_SPREAD_MS, withSpreadStart } from '../../workflows/connection/spread';
import { initialState, withRequest, withoutRequest } from '../../workflows/connection/state';

const NOW = Date.parse('2026-12-01T09:00:00Z');
const MINUTE = 60_000;
const POLL_MS = 15 * MINUTE;

/** A run continued from one whose poll, renewal and reconciliation are all due now. */
function overdue(extra: Partial<ReturnType<typeof initialState>> = {}) {
  return { ...withoutRequest(initialState(undefined, NOW - POLL_MS), 'sync'), nextReconcileAt: NOW - MINUTE, ...extra };
}

describe('spreadOffsetMs', () => {
  it('is the same for the same key and within [0, width)', () => {
    const id = randomUUID();
    expect(spreadOffsetMs(id, POLL_MS)).toBe(spreadOffsetMs(id, POLL_MS));
    for (let i = 0; i < 1_000; i++) {
      const offset = spreadOffsetMs(randomUUID(), POLL_MS);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(POLL_MS);
    }
    expect(spreadOffsetMs(id, 0)).toBe(0);
  });

  it('spreads 10,000 connections evenly: no second of a 15-minute window gets more than a few', () => {
    const perSecond = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const second = Math.floor(spreadOffsetMs(randomUUID(), POLL_MS) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    // 10,000 over 900 seconds is about 11 a second; all in one second is what a restart did before.
    expect(Math.max(...perSecond.values())).toBeLessThan(40);
    expect(perSecond.size).toBeGreaterThan(850);
  });
});

describe('withSpreadStart', () => {
  it('moves an overdue poll, renewal and reconciliation to now plus the connection offsets', () => {
    const id = 'connection-1';
    const state = overdue({ pushChannelExpiresAt: NOW + 50 * MINUTE });
    const spread = withSpreadStart(state, id, NOW);
    expect(spread.nextSyncAt).toBe(NOW + spreadOffsetMs(`poll:${id}`, POLL_MS));
    expect(spread.pushRetryAt).toBe(NOW + spreadOffsetMs(`push:${id}`, PUSH_SPREAD_MS));
    expect(spread.nextReconcileAt).toBe(NOW + spreadOffsetMs(`reconcile:${id}`, RECONCILE_SPREAD_MS));
    // Deterministic: replaying the same run computes the same times.
    expect(withSpreadStart(state, id, NOW)).toEqual(spread);
  });

  it('gives different connections different times', () => {
    const times = new Set(Array.from({ length: 100 }, (_, i) => withSpreadStart(overdue(), `connection-${i}`, NOW).nextSyncAt));
    expect(times.size).toBeGreaterThan(90);
  });

  it('never delays a sync someone asked for, nor work that is not due yet', () => {
    const asked = withRequest(overdue(), 'sync');
    expect(withSpreadStart(asked, 'c', NOW).nextSyncAt).toBe(asked.nextSyncAt);
    const later = overdue({ nextSyncAt: NOW + 5 * MINUTE, pushRetryAt: NOW + 10 * MINUTE, nextReconcileAt: NOW + MINUTE });
    expect(withSpreadStart(later, 'c', NOW)).toEqual(later);
  });

  it('renews at once a channel that is missing or would expire before the wait is over', () => {
    expect(withSpreadStart(overdue(), 'c', NOW).pushRetryAt).toBe(NOW - POLL_MS);
    const expiring = overdue({ pushChannelExpiresAt: NOW + 5 * MINUTE });
    expect(withSpreadStart(expiring, 'c', NOW).pushRetryAt).toBe(expiring.pushRetryAt);
  });
});
