// The provider budget: every request a connection makes to Google or Microsoft (sync, free/busy, push
// renewal, writes) draws from shared token buckets (per account, per project/app) and, for Graph, from the
// mailbox's concurrency slots, so all worker and API processes together stay within the provider's limits.
// Interactive calls go ahead of background ones, in this process (turn queues) and across processes
// (background calls leave a reserve in every bucket). Tokens are leased a few at a time per process (one
// transaction per lease, not per request) and spent in memory within the lease's short term. When a provider says stop (quota exhausted,
// Retry-After), the account's bucket is blocked for everyone until then.
//
// A token bucket and not a fixed window (rate-limiter-flexible's model): Google counts on a sliding window,
// and a fixed window lets twice the limit through across a window boundary.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../db/client';
import { blockBucket, leaseSlot, leaseTokens, releaseSlot, type LeaseOutcome } from '../../data/provider-budget';
import { floorFor, type BucketSpec } from '../../domain/token-bucket';
import { LeaseLedger, leaseTermMs, leaseWanted } from '../../domain/token-lease';
import { ProviderError } from '../../providers/errors';
import type { RequestMeter } from '../../providers/types';
import { currentCallContext, type CallContext } from './call-context';
import { planFor, type BudgetLimits, type BudgetPlan, type BudgetScope } from './limits';
import { LocalSemaphore, TurnQueue } from './turn-queue';

/** A slot lease outlives any request (the adapters time out after 30 s); a crashed holder frees it after this. */
const SLOT_LEASE_MS = 90_000;
const KEEP_ALIVE_EVERY_MS = 5_000;
const MAX_SLEEP_MS = 1_000;

class Deadline {
  readonly abandoned: Promise<never>;
  #timer: NodeJS.Timeout | undefined;
  #keepAlive: NodeJS.Timeout | undefined;

  constructor(
    readonly atMs: number,
    onExpiry: () => Error,
    keepAlive: (() => void) | undefined,
  ) {
    this.abandoned = new Promise<never>((_, reject) => {
      this.#timer = setTimeout(() => reject(onExpiry()), Math.max(0, atMs - Date.now()));
    });
    this.abandoned.catch(() => undefined);
    if (keepAlive) this.#keepAlive = setInterval(keepAlive, KEEP_ALIVE_EVERY_MS);
  }

  clear(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#keepAlive);
  }
}

export class ProviderBudget {
  readonly #turns = new Map<string, TurnQueue>();
  readonly #slots = new Map<string, LocalSemaphore>();
  readonly #process = randomUUID();
  /** Tokens this process leased from the shared buckets and has not spent yet. */
  readonly #ledger = new LeaseLedger();
  readonly #specs = new Map<string, BucketSpec>();
  /** Unspent tokens of ended leases whose return failed: given back with the next lease. */
  readonly #unreturned = new Map<string, number>();
  #returnTimer: NodeJS.Timeout | undefined;
  #returnAtMs = 0;

  constructor(
    private readonly db: Db,
    readonly limits: BudgetLimits,
    private readonly logger?: Logger,
  ) {}

  /** The meter of one call (CallAuth.meter): each HTTP request of the call acquires through it. */
  meterFor(scope: BudgetScope): RequestMeter {
    const meter: { refusal?: ProviderError; acquire(cost?: number): Promise<() => void> } = {
      acquire: async (cost = 1) => {
        try {
          return await this.acquire(scope, cost);
        } catch (error) {
          if (error instanceof ProviderError) meter.refusal = error;
          throw error;
        }
      },
    };
    return meter;
  }

  /**
   * The provider said this account must stop: nobody calls for it before `seconds` have passed (all
   * processes see the block in the shared bucket).
   */
  async block(scope: BudgetScope, reason: 'quota_exhausted' | 'rate_limited', seconds: number): Promise<void> {
    const plan = planFor(this.limits, scope);
    const target = plan.account ?? plan.project;
    const nowMs = Date.now();
    this.#ledger.drop(target.key); // this process stops at once; others when their short leases end
    await blockBucket(this.db, { key: target.key, spec: target.spec, untilMs: nowMs + seconds * 1000, reason, nowMs });
    this.logger?.warn({ provider: scope.provider, reason, seconds }, 'provider budget: account blocked by the provider');
  }

  async acquire(scope: BudgetScope, cost: number): Promise<() => void> {
    const context = currentCallContext();
    const plan = planFor(this.limits, scope);
    const startedAt = Date.now();
    await this.#takeTokens(scope, plan, cost, context, startedAt + context.maxWaitMs);
    if (!plan.slots) return () => undefined;
    // A $batch holds as many slots as Graph runs its requests at once (up to four, whatever the mailbox).
    const slots = Math.min(cost, plan.slots.count);
    return this.#leaseSlots(scope, plan.slots, slots, context, startedAt + context.maxWaitMs);
  }

  async #takeTokens(scope: BudgetScope, plan: BudgetPlan, cost: number, context: CallContext, deadlineMs: number): Promise<void> {
    const buckets = [plan.project, ...(plan.account ? [plan.account] : [])];
    const keys = buckets.map((bucket) => bucket.key);
    const queue = this.#turnQueue(plan.project.key);
    // Tokens this process leased earlier: no database round trip. Only when nobody waits in line (an
    // interactive caller waiting goes first; it takes its turn below).
    if (queue.waiting === 0 && this.#ledger.spend(keys, cost, Date.now())) return;
    for (;;) {
      const deadline = new Deadline(deadlineMs, () => exhausted(scope, 1), context.keepAlive);
      let done: (() => void) | undefined;
      try {
        done = await queue.wait(context.priority, deadline);
        for (;;) {
          if (this.#ledger.spend(keys, cost, Date.now())) return;
          const { outcome, spent } = await this.#lease(buckets, cost, context);
          if (spent) return;
          if ('blocked' in outcome) {
            const waitMs = outcome.untilMs - Date.now();
            if (outcome.reason === 'quota_exhausted') throw quotaExhausted(scope, waitMs);
            if (Date.now() + waitMs > deadlineMs) throw exhausted(scope, waitMs);
            await sleepUntil(Math.min(outcome.untilMs, Date.now() + MAX_SLEEP_MS), deadline);
            continue;
          }
          if (outcome.granted) continue; // another caller spent what this one held meanwhile: lease again
          if (Date.now() + outcome.waitMs > deadlineMs) throw exhausted(scope, outcome.waitMs);
          const accountOnly = outcome.shortKeys.length > 0 && !outcome.shortKeys.includes(plan.project.key);
          if (accountOnly && queue.waiting > 0) {
            // Only this account is short: let the project's other callers go meanwhile.
            done();
            done = undefined;
            await sleepUntil(Date.now() + Math.min(outcome.waitMs, MAX_SLEEP_MS), deadline);
            break;
          }
          await sleepUntil(Date.now() + Math.min(outcome.waitMs || jitterMs(), MAX_SLEEP_MS), deadline);
        }
      } finally {
        done?.();
        deadline.clear();
      }
    }
  }

  /**
   * One transaction: leases what this process lacks of each bucket for `cost` (and what it is likely to spend
   * within the lease's term), giving back the unspent tokens of its ended leases on the way.
   */
  async #lease(
    buckets: Array<{ key: string; spec: BucketSpec }>,
    cost: number,
    context: CallContext,
  ): Promise<{ outcome: LeaseOutcome; spent: boolean }> {
    const nowMs = Date.now();
    const returns = this.#endedLeases(nowMs);
    const requests = buckets
      .map((bucket) => ({ bucket, needed: cost - this.#ledger.held(bucket.key, nowMs) }))
      .filter(({ needed }) => needed > 0)
      .map(({ bucket, needed }) => {
        const recentlySpent = this.#ledger.spentSince(bucket.key, nowMs - leaseTermMs(bucket.spec));
        return {
          ...bucket,
          floor: floorFor(bucket.spec, context.priority),
          min: needed,
          want: leaseWanted(bucket.spec, { needed, recentlySpent }),
        };
      });
    const outcome = await leaseTokens(this.db, requests, returns, nowMs).catch((error: unknown) => {
      this.#giveBackLater(returns); // not given back: try again with the next lease
      throw error;
    });
    if ('granted' in outcome && outcome.granted) {
      const takenAtMs = Date.now();
      for (const request of requests) {
        this.#ledger.add(request.key, outcome.granted.get(request.key) ?? 0, takenAtMs + leaseTermMs(request.spec));
        this.#specs.set(request.key, request.spec);
      }
      this.#scheduleReturn();
      // Spent at once, before any other caller of this process can take what was just leased for this one.
      return {
        outcome,
        spent: this.#ledger.spend(
          buckets.map((bucket) => bucket.key),
          cost,
          takenAtMs,
        ),
      };
    }
    return { outcome, spent: false };
  }

  /** Ended leases' unspent tokens (and those a failed return left), to give back to their buckets. */
  #endedLeases(nowMs: number): Array<{ key: string; spec: BucketSpec; tokens: number }> {
    const unspent = this.#ledger.expire(nowMs);
    for (const [key, tokens] of this.#unreturned) unspent.set(key, (unspent.get(key) ?? 0) + tokens);
    this.#unreturned.clear();
    return [...unspent].map(([key, tokens]) => ({ key, spec: this.#specs.get(key)!, tokens }));
  }

  #giveBackLater(returns: Array<{ key: string; tokens: number }>): void {
    for (const { key, tokens } of returns) this.#unreturned.set(key, (this.#unreturned.get(key) ?? 0) + tokens);
  }

  /** When the next lease ends, its unspent tokens go back to the shared bucket (others may need them). */
  #scheduleReturn(): void {
    const next = this.#ledger.nextExpiryMs();
    if (next === undefined || (this.#returnTimer && this.#returnAtMs <= next)) return;
    clearTimeout(this.#returnTimer);
    this.#returnAtMs = next;
    this.#returnTimer = setTimeout(
      () => {
        this.#returnTimer = undefined;
        const returns = this.#endedLeases(Date.now());
        const giving = returns.length ? leaseTokens(this.db, [], returns, Date.now()) : Promise.resolve();
        giving
          .catch((error: unknown) => {
            this.#giveBackLater(returns);
            this.logger?.warn({ err: (error as Error).message }, 'provider budget: giving back unspent tokens failed (tried again later)');
          })
          .finally(() => this.#scheduleReturn());
      },
      Math.max(0, next - Date.now()) + 1,
    );
    this.#returnTimer.unref();
  }

  /** Leases `needed` of the key's slots, all at once or none (no holding some while waiting for more). */
  async #leaseSlots(scope: BudgetScope, slots: { key: string; count: number }, needed: number, context: CallContext, deadlineMs: number) {
    const deadline = new Deadline(deadlineMs, () => exhausted(scope, 1), context.keepAlive);
    try {
      const releaseLocal = await this.#semaphore(slots.key, slots.count).acquire(context.priority, deadline, needed);
      const holder = `${this.#process}:${randomUUID()}`;
      const leased: number[] = [];
      const releaseLeased = () => {
        for (const slot of leased.splice(0)) {
          releaseSlot(this.db, { key: slots.key, slot, holder }).catch((error: unknown) =>
            this.logger?.warn({ err: (error as Error).message }, 'provider budget: slot release failed (its lease expires)'),
          );
        }
      };
      try {
        for (;;) {
          while (leased.length < needed) {
            const slot = await leaseSlot(this.db, {
              key: slots.key,
              slots: slots.count,
              holder,
              leaseMs: SLOT_LEASE_MS,
              nowMs: Date.now(),
            });
            if (slot === null) break;
            leased.push(slot);
          }
          if (leased.length === needed) {
            return () => {
              releaseLeased();
              releaseLocal();
            };
          }
          // Taken by other processes (they answer within a request's time): give back what we got, try again.
          releaseLeased();
          await sleepUntil(Date.now() + 20 + jitterMs(), deadline);
        }
      } catch (error) {
        releaseLeased();
        releaseLocal();
        throw error;
      }
    } finally {
      deadline.clear();
    }
  }

  #turnQueue(key: string): TurnQueue {
    let queue = this.#turns.get(key);
    if (!queue) this.#turns.set(key, (queue = new TurnQueue()));
    return queue;
  }

  #semaphore(key: string, size: number): LocalSemaphore {
    let semaphore = this.#slots.get(key);
    if (!semaphore) this.#slots.set(key, (semaphore = new LocalSemaphore(size)));
    return semaphore;
  }
}

const jitterMs = () => 5 + Math.floor(Math.random() * 20);

function sleepUntil(atMs: number, deadline: Deadline): Promise<void> {
  return Promise.race([new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, atMs - Date.now()))), deadline.abandoned]);
}

/** No budget within the call's wait: a rate limit the activity's retry waits out. */
function exhausted(scope: BudgetScope, waitMs: number): ProviderError {
  return new ProviderError('rate_limited', scope.provider, `${scope.provider} request budget exhausted for now`, {
    code: 'budget_exhausted',
    retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
  });
}

function quotaExhausted(scope: BudgetScope, waitMs: number): ProviderError {
  return new ProviderError('quota_exhausted', scope.provider, `${scope.provider} quota exhausted for this account`, {
    code: 'quota_exhausted',
    retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
  });
}
