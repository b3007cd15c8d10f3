// Pure rules of the provider budget's leases (domain/token-lease.ts): processes that lease tokens a few at a
// time from one shared bucket and spend them later, within the lease's term, still never outrun the provider's
// sliding window; unspent tokens go back; a lease is spent all-or-nothing across buckets.
import fc from 'fast-check';
import { bucketSpec, type BucketState } from '../../domain/token-bucket';
import { LeaseLedger, giveBack, grant, leaseTermMs, leaseWanted, maxLeaseTokens, MAX_LEASE_TERM_MS } from '../../domain/token-lease';

function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

describe('token leases', () => {
  it('several processes leasing from one bucket never spend more than the limit in any window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 2_000 }),
        fc.integer({ min: 1_000, max: 600_000 }),
        fc.integer({ min: 1, max: 4 }),
        // Bursts (no gap), short gaps and long ones: a process may lease, fall quiet and spend late.
        fc.array(
          fc.record({
            gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 0, max: 60_000 })),
            process: fc.nat(),
          }),
          { minLength: 50, maxLength: 800 },
        ),
        (requests, windowMs, processCount, arrivals) => {
          const spec = bucketSpec({ requests, windowMs });
          let shared: BucketState = { tokens: spec.capacity, updatedAtMs: 0 };
          const ledgers = Array.from({ length: processCount }, () => new LeaseLedger());
          const spent: number[] = [];
          let now = 0;
          for (const { gap, process } of arrivals) {
            now += gap;
            const ledger = ledgers[process % processCount]!;
            const unspent = ledger.expire(now).get('k') ?? 0;
            if (unspent) shared = giveBack(shared, spec, unspent, now);
            if (!ledger.spend(['k'], 1, now)) {
              const want = leaseWanted(spec, { needed: 1, recentlySpent: ledger.spentSince('k', now - leaseTermMs(spec)) });
              const result = grant(shared, spec, { min: 1, want, floor: 0, nowMs: now });
              if (!('state' in result)) continue;
              shared = result.state;
              ledger.add('k', result.granted, now + leaseTermMs(spec));
              if (!ledger.spend(['k'], 1, now)) throw new Error('a fresh lease must cover its request');
            }
            spent.push(now);
          }
          expect(maxInWindow(spent, windowMs)).toBeLessThanOrEqual(requests);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a lease lasts a small share of the window, at most 5 s, and holds at most a quarter of the burst', () => {
    const google = bucketSpec({ requests: 600, windowMs: 60_000 });
    expect(leaseTermMs(google)).toBeCloseTo(3_333, 0);
    expect(leaseTermMs(bucketSpec({ requests: 10_000, windowMs: 600_000 }))).toBe(MAX_LEASE_TERM_MS);
    expect(leaseTermMs(bucketSpec({ requests: 20, windowMs: 1_000 }))).toBeLessThan(100);
    expect(maxLeaseTokens(google, 1)).toBe(12);
    // A request costing more than a quarter of the burst still gets its whole cost.
    expect(maxLeaseTokens(google, 20)).toBe(20);
    expect(leaseWanted(google, { needed: 1, recentlySpent: 0 })).toBe(1);
    expect(leaseWanted(google, { needed: 1, recentlySpent: 7 })).toBe(7);
    expect(leaseWanted(google, { needed: 2, recentlySpent: 400 })).toBe(12);
  });

  it('grants what the bucket holds above the floor, between min and want, or says how long to wait', () => {
    const spec = bucketSpec({ requests: 600, windowMs: 60_000 }); // capacity 48, reserve 9.6
    const full: BucketState = { tokens: spec.capacity, updatedAtMs: 0 };
    expect(grant(full, spec, { min: 1, want: 12, floor: 0, nowMs: 0 })).toMatchObject({ granted: 12, state: { tokens: 36 } });
    const low: BucketState = { tokens: 12.5, updatedAtMs: 0 };
    // Background callers leave the reserve: 12.5 - 9.6 leaves 2 whole tokens to lease.
    expect(grant(low, spec, { min: 1, want: 12, floor: spec.reserve, nowMs: 0 })).toMatchObject({ granted: 2 });
    const empty: BucketState = { tokens: 0, updatedAtMs: 0 };
    const refused = grant(empty, spec, { min: 1, want: 5, floor: 0, nowMs: 0 });
    expect(refused.granted).toBe(0);
    expect('waitMs' in refused && refused.waitMs).toBeCloseTo(1 / spec.refillPerMs, 5);
  });

  it('gives unspent tokens back, never above the capacity', () => {
    const spec = bucketSpec({ requests: 600, windowMs: 60_000 });
    expect(giveBack({ tokens: 10, updatedAtMs: 0 }, spec, 5, 0).tokens).toBe(15);
    expect(giveBack({ tokens: 47, updatedAtMs: 0 }, spec, 5, 0).tokens).toBe(spec.capacity);
  });

  it('spends from every bucket at once or from none, soonest-ending lease first; ended leases come back unspent', () => {
    const ledger = new LeaseLedger();
    ledger.add('project', 3, 1_000);
    ledger.add('project', 2, 500);
    ledger.add('user', 1, 1_000);
    expect(ledger.spend(['project', 'user'], 2, 0)).toBe(false); // the user's lease holds only 1
    expect(ledger.held('project', 0)).toBe(5);
    expect(ledger.spend(['project', 'user'], 1, 0)).toBe(true);
    expect(ledger.held('project', 0)).toBe(4);
    expect(ledger.held('user', 0)).toBe(0);
    expect(ledger.spentSince('project', 0)).toBe(1);
    // The lease ending at 500 was spent first: 1 of its 2 is left; it ends unspent.
    expect(ledger.expire(600)).toEqual(new Map([['project', 1]]));
    expect(ledger.held('project', 600)).toBe(3);
    expect(ledger.spend(['project'], 1, 1_000)).toBe(false); // ended at 1,000
    expect(ledger.nextExpiryMs()).toBe(1_000);
    ledger.drop('project');
    expect(ledger.nextExpiryMs()).toBeUndefined();
  });
});
