// Sliding-window request limits, as the providers count them (Google: requests per minute per user and per
// project; Graph: requests per 10 minutes per mailbox), plus concurrency per key (Graph: 4 requests at once
// per mailbox). A fake with limits refuses what is over them the way the provider does, and records the
// highest count it ever let through in one window, so a test can check a client stayed within them.

export interface WindowLimit {
  requests: number;
  windowMs: number;
}

export class SlidingWindowLimiter {
  readonly #hits = new Map<string, number[]>();
  readonly #max = new Map<string, number>();
  #refused = 0;

  constructor(private readonly limit: WindowLimit) {}

  /** Whether one more request for `key` would stay within the limit (nothing is counted). */
  hasRoom(key: string, nowMs = Date.now()): boolean {
    const hits = this.#hits.get(key) ?? [];
    while (hits.length && hits[0]! <= nowMs - this.limit.windowMs) hits.shift();
    this.#hits.set(key, hits);
    return hits.length < this.limit.requests;
  }

  refuse(): void {
    this.#refused += 1;
  }

  /** Counts the request against `key` unless that would exceed the limit (then false: refuse it). */
  admit(key: string, nowMs = Date.now()): boolean {
    if (!this.hasRoom(key, nowMs)) {
      this.refuse();
      return false;
    }
    const hits = this.#hits.get(key)!;
    hits.push(nowMs);
    this.#hits.set(key, hits);
    this.#max.set(key, Math.max(this.#max.get(key) ?? 0, hits.length));
    return true;
  }

  /** Forgets what was counted (a test measures one phase at a time). */
  reset(): void {
    this.#hits.clear();
    this.#max.clear();
    this.#refused = 0;
  }

  /** The most requests let through for each key in any one window, and how many were refused. */
  stats(): { maxInWindow: Record<string, number>; refused: number } {
    return { maxInWindow: Object.fromEntries(this.#max), refused: this.#refused };
  }
}

export class ConcurrencyLimiter {
  readonly #active = new Map<string, number>();
  readonly #max = new Map<string, number>();
  #refused = 0;

  constructor(private readonly limit: number) {}

  /** Starts a request for `key`; returns its end, or undefined when `limit` are already running (refuse it). */
  enter(key: string): (() => void) | undefined {
    const active = this.#active.get(key) ?? 0;
    if (active >= this.limit) {
      this.#refused += 1;
      return undefined;
    }
    this.#active.set(key, active + 1);
    this.#max.set(key, Math.max(this.#max.get(key) ?? 0, active + 1));
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#active.set(key, (this.#active.get(key) ?? 1) - 1);
    };
  }

  reset(): void {
    this.#max.clear();
    this.#refused = 0;
  }

  stats(): { maxConcurrent: Record<string, number>; refused: number } {
    return { maxConcurrent: Object.fromEntries(this.#max), refused: this.#refused };
  }
}
