// Token-bucket arithmetic for the provider budget (pure). A provider limit says "at most N requests in any
// window of W" (Google counts per minute on a sliding window; Graph per 10 minutes per mailbox). A bucket of
// capacity C refilled at rate R lets through at most C + R*W requests in any window W, so C + R*W is kept at
// a safe share of N: the bucket can never outrun the provider's count, however requests bunch up.

export interface RateLimit {
  requests: number;
  windowMs: number;
}

export interface BucketSpec {
  capacity: number;
  refillPerMs: number;
  /** Tokens background calls leave for interactive ones (scheduling, edits): they never take the last of these. */
  reserve: number;
}

export interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

/**
 * Of the provider's limit, what the buckets may spend. The provider counts requests when they ARRIVE: a
 * request let through now may leave this process later (a busy event loop, a slow connection) and land in
 * the next window together with newer ones. The rest of the limit absorbs that bunching and clock skew.
 */
const SAFETY_SHARE = 0.8;
/** The burst a bucket allows; the rest of the budget arrives evenly. */
const BURST_SHARE = 0.1;
const RESERVE_SHARE = 0.2;

export function bucketSpec(limit: RateLimit): BucketSpec {
  const budget = limit.requests * SAFETY_SHARE;
  const capacity = Math.max(1, budget * BURST_SHARE);
  return {
    capacity,
    refillPerMs: Math.max(0, budget - capacity) / limit.windowMs,
    reserve: capacity * RESERVE_SHARE,
  };
}

/** Tokens in the bucket at `nowMs`. */
export function tokensAt(state: BucketState, spec: BucketSpec, nowMs: number): number {
  return Math.min(spec.capacity, state.tokens + Math.max(0, nowMs - state.updatedAtMs) * spec.refillPerMs);
}

/** The floor a caller of this priority may not take the bucket below. */
export function floorFor(spec: BucketSpec, priority: 'interactive' | 'background'): number {
  return priority === 'interactive' ? 0 : spec.reserve;
}

/**
 * Takes `cost` tokens if the bucket holds them above the caller's floor: the new state, or how long to wait
 * until it would (Infinity when the bucket can never hold that many).
 */
export function take(
  state: BucketState,
  spec: BucketSpec,
  input: { cost: number; floor: number; nowMs: number },
): { taken: true; state: BucketState } | { taken: false; waitMs: number } {
  const available = tokensAt(state, spec, input.nowMs);
  const needed = input.cost + input.floor;
  if (available >= needed) return { taken: true, state: { tokens: available - input.cost, updatedAtMs: input.nowMs } };
  if (needed > spec.capacity || spec.refillPerMs === 0) {
    // A cost larger than the bucket (a big $batch on a tiny budget) goes once the bucket is full.
    if (available >= spec.capacity - 1e-9) return { taken: true, state: { tokens: available - input.cost, updatedAtMs: input.nowMs } };
    return { taken: false, waitMs: spec.refillPerMs === 0 ? Infinity : (spec.capacity - available) / spec.refillPerMs };
  }
  return { taken: false, waitMs: (needed - available) / spec.refillPerMs };
}
