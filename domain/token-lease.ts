// Leases of provider-budget tokens (pure). A process takes a few tokens at once from a shared bucket (one
// database transaction) and spends them in memory, instead of one transaction per request. The shared limit
// still holds: leased tokens have left the bucket, and a lease may only be spent within a short term after
// it was taken. A request spent in a window W was taken in the window widened by that term, so at most
// capacity + refill * (W + term) go through in any W: the term is sized so that refill * term stays at
// half the bucket's burst, well inside the provider limit's unused safety share (domain/token-bucket.ts).
// Unspent tokens go back to the bucket when the lease ends (never above its capacity).
import { tokensAt, type BucketSpec, type BucketState } from './token-bucket';

/** refill * term <= this share of the capacity (see above). */
const TERM_SHARE_OF_CAPACITY = 0.5;
/** The longest term: a block the provider asked for reaches other processes' leases within it. */
export const MAX_LEASE_TERM_MS = 5_000;
/** No process leases more than this share of a bucket's burst at once: the others find tokens too. */
const MAX_LEASE_SHARE = 0.25;

/** How long a lease taken from a bucket of this spec may be spent. */
export function leaseTermMs(spec: BucketSpec): number {
  if (spec.refillPerMs <= 0) return MAX_LEASE_TERM_MS;
  return Math.min(MAX_LEASE_TERM_MS, (spec.capacity * TERM_SHARE_OF_CAPACITY) / spec.refillPerMs);
}

/** The most tokens one lease of this bucket may hold (never less than one request's cost). */
export function maxLeaseTokens(spec: BucketSpec, cost: number): number {
  return Math.max(cost, Math.floor(spec.capacity * MAX_LEASE_SHARE));
}

/**
 * How many tokens to ask for: what the waiting request needs, plus what this process spent of this bucket in
 * the last term (the demand the lease should cover until it ends), within the per-lease maximum.
 */
export function leaseWanted(spec: BucketSpec, input: { needed: number; recentlySpent: number }): number {
  return Math.min(maxLeaseTokens(spec, input.needed), Math.max(input.needed, Math.ceil(input.recentlySpent)));
}

/**
 * Takes between `min` and `want` whole tokens above the caller's floor: as many as the bucket holds. `min`
 * larger than the bucket (a big $batch on a tiny budget) is granted once the bucket is full, as take() does.
 */
export function grant(
  state: BucketState,
  spec: BucketSpec,
  input: { min: number; want: number; floor: number; nowMs: number },
): { granted: number; state: BucketState } | { granted: 0; waitMs: number } {
  const available = tokensAt(state, spec, input.nowMs);
  const spendable = Math.floor(available - input.floor + 1e-9);
  if (spendable >= input.min) {
    const granted = Math.max(input.min, Math.min(input.want, spendable));
    return { granted, state: { tokens: available - granted, updatedAtMs: input.nowMs } };
  }
  const needed = input.min + input.floor;
  if (needed > spec.capacity || spec.refillPerMs === 0) {
    if (available >= spec.capacity - 1e-9)
      return { granted: input.min, state: { tokens: available - input.min, updatedAtMs: input.nowMs } };
    return { granted: 0, waitMs: spec.refillPerMs === 0 ? Infinity : (spec.capacity - available) / spec.refillPerMs };
  }
  return { granted: 0, waitMs: (needed - available) / spec.refillPerMs };
}

/** Unspent tokens back in the bucket: never above its capacity (the bucket cannot hold more than a burst). */
export function giveBack(state: BucketState, spec: BucketSpec, tokens: number, nowMs: number): BucketState {
  return { tokens: Math.min(spec.capacity, tokensAt(state, spec, nowMs) + tokens), updatedAtMs: nowMs };
}

interface Lease {
  tokens: number;
  expiresAtMs: number;
}

/** The leases one process holds, per bucket key, and what it spent of each recently. */
export class LeaseLedger {
  readonly #leases = new Map<string, Lease[]>();
  readonly #spent = new Map<string, Array<{ atMs: number; tokens: number }>>();

  add(key: string, tokens: number, expiresAtMs: number): void {
    if (tokens <= 0) return;
    const leases = this.#leases.get(key) ?? [];
    leases.push({ tokens, expiresAtMs });
    leases.sort((a, b) => a.expiresAtMs - b.expiresAtMs);
    this.#leases.set(key, leases);
  }

  /** Unexpired tokens held for `key`. */
  held(key: string, nowMs: number): number {
    return (this.#leases.get(key) ?? []).filter((lease) => lease.expiresAtMs > nowMs).reduce((sum, lease) => sum + lease.tokens, 0);
  }

  /** Spends `cost` from every key's leases at once (soonest to expire first), or from none. */
  spend(keys: string[], cost: number, nowMs: number): boolean {
    if (!keys.every((key) => this.held(key, nowMs) >= cost)) return false;
    for (const key of keys) {
      let left = cost;
      for (const lease of this.#leases.get(key)!) {
        if (lease.expiresAtMs <= nowMs || left === 0) continue;
        const used = Math.min(lease.tokens, left);
        lease.tokens -= used;
        left -= used;
      }
      this.#leases.set(
        key,
        this.#leases.get(key)!.filter((lease) => lease.tokens > 0),
      );
      const spent = this.#spent.get(key) ?? [];
      spent.push({ atMs: nowMs, tokens: cost });
      this.#spent.set(key, spent);
    }
    return true;
  }

  /** Tokens of `key` spent since `sinceMs` (older records are forgotten). */
  spentSince(key: string, sinceMs: number): number {
    const spent = (this.#spent.get(key) ?? []).filter((record) => record.atMs >= sinceMs);
    if (spent.length) this.#spent.set(key, spent);
    else this.#spent.delete(key);
    return spent.reduce((sum, record) => sum + record.tokens, 0);
  }

  /** Removes the leases that ended by `nowMs`: their unspent tokens, per key, to give back to the buckets. */
  expire(nowMs: number): Map<string, number> {
    const unspent = new Map<string, number>();
    for (const [key, leases] of this.#leases) {
      const live = leases.filter((lease) => lease.expiresAtMs > nowMs);
      const ended = leases.reduce((sum, lease) => sum + (lease.expiresAtMs > nowMs ? 0 : lease.tokens), 0);
      if (ended > 0) unspent.set(key, ended);
      if (live.length) this.#leases.set(key, live);
      else this.#leases.delete(key);
    }
    return unspent;
  }

  /** Forgets every lease of `key` (the provider blocked it): nothing of it is spent any more. */
  drop(key: string): void {
    this.#leases.delete(key);
  }

  /** When the next lease ends (undefined: none held). */
  nextExpiryMs(): number | undefined {
    let next: number | undefined;
    for (const leases of this.#leases.values()) {
      for (const lease of leases) next = next === undefined ? lease.expiresAtMs : Math.min(next, lease.expiresAtMs);
    }
    return next;
  }
}
