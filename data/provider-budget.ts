// The provider budget's shared state (pf_provider_budget_buckets, pf_provider_budget_slots): every worker and
// API process leases tokens (a few at a time) and concurrency slots from these rows, so together they stay within a provider's
// limits. Optimistic concurrency: a bucket row changes only where its version is still the one read, and a
// slot only when it is free or its lease expired (a crashed process never holds one for long).
import type { Db } from '../db/client';
import type { BucketSpec, BucketState } from '../domain/token-bucket';
import { giveBack, grant } from '../domain/token-lease';

export interface LeaseRequest {
  key: string;
  spec: BucketSpec;
  /** Tokens the caller must leave in the bucket (background calls leave a reserve for interactive ones). */
  floor: number;
  /** Tokens the waiting request needs: granted in full or not at all. */
  min: number;
  /** Tokens the process would like to hold (min and more, as the bucket allows). */
  want: number;
}

export type LeaseOutcome =
  | { granted: Map<string, number> }
  /** Not enough tokens in the buckets named (or another process took them first: `waitMs` 0, none named). */
  | { granted: null; waitMs: number; shortKeys: string[] }
  /** The provider said stop: nobody calls before `untilMs`. */
  | { blocked: true; untilMs: number; reason: string };

class Contended extends Error {}

const knownBuckets = new WeakMap<Db, Set<string>>();
const knownSlots = new WeakMap<Db, Set<string>>();

function known(map: WeakMap<Db, Set<string>>, db: Db): Set<string> {
  let set = map.get(db);
  if (!set) map.set(db, (set = new Set()));
  return set;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'P2002';
}

/** Creates missing buckets full (the first request of a key finds its whole burst available). */
async function ensureBuckets(db: Db, buckets: Array<{ key: string; spec: BucketSpec }>, nowMs: number): Promise<void> {
  const seen = known(knownBuckets, db);
  for (const bucket of buckets) {
    if (seen.has(bucket.key)) continue;
    try {
      await db.providerBudgetBucket.upsert({
        where: { key: bucket.key },
        create: { key: bucket.key, tokens: bucket.spec.capacity, updatedAtMs: nowMs },
        update: {},
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // another process created it at the same moment
    }
    seen.add(bucket.key);
  }
}

/**
 * One transaction: gives back the unspent tokens of ended leases (`returns`), then leases at least `min` of
 * every requested bucket, or nothing of any (domain/token-lease.ts says why leases keep the limits).
 */
export async function leaseTokens(
  db: Db,
  requests: LeaseRequest[],
  returns: Array<{ key: string; spec: BucketSpec; tokens: number }>,
  nowMs: number,
): Promise<LeaseOutcome> {
  await ensureBuckets(db, requests, nowMs);
  try {
    return await db.$transaction(async (tx): Promise<LeaseOutcome> => {
      const keys = [...new Set([...requests, ...returns].map((bucket) => bucket.key))];
      const rows = await tx.providerBudgetBucket.findMany({ where: { key: { in: keys } } });
      const byKey = new Map(rows.map((row) => [row.key, row]));
      const states = new Map<string, BucketState>();
      for (const back of returns) {
        const row = byKey.get(back.key);
        if (row) states.set(back.key, giveBack(states.get(back.key) ?? row, back.spec, back.tokens, nowMs));
      }
      const blocked = requests.map((request) => byKey.get(request.key)).filter((row) => (row?.blockedUntilMs ?? 0) > nowMs);
      let outcome: LeaseOutcome;
      if (blocked.length) {
        const latest = blocked.reduce((a, b) => ((a!.blockedUntilMs ?? 0) >= (b!.blockedUntilMs ?? 0) ? a : b))!;
        outcome = { blocked: true, untilMs: latest.blockedUntilMs!, reason: latest.blockedReason ?? 'blocked' };
      } else {
        const plans = requests.map((request) => {
          const row = byKey.get(request.key);
          if (!row) throw new Contended(); // deleted under us: start again
          return { request, result: grant(states.get(request.key) ?? row, request.spec, { ...request, nowMs }) };
        });
        const short = plans.filter((plan) => plan.result.granted === 0);
        if (short.length) {
          const waits = short.map((plan) => ('waitMs' in plan.result ? plan.result.waitMs : 0));
          outcome = { granted: null, waitMs: Math.max(...waits), shortKeys: short.map((plan) => plan.request.key) };
        } else {
          for (const { request, result } of plans) if ('state' in result) states.set(request.key, result.state);
          outcome = { granted: new Map(plans.map((plan) => [plan.request.key, plan.result.granted])) };
        }
      }
      for (const [key, state] of states) {
        const row = byKey.get(key)!;
        const { count } = await tx.providerBudgetBucket.updateMany({
          where: { key, version: row.version },
          data: { tokens: state.tokens, updatedAtMs: state.updatedAtMs, version: { increment: 1 } },
        });
        if (count !== 1) throw new Contended();
      }
      return outcome;
    });
  } catch (error) {
    if (error instanceof Contended) return { granted: null, waitMs: 0, shortKeys: [] };
    throw error;
  }
}

/** The provider said stop (quota exhausted, Retry-After): every process leaves this key alone until `untilMs`. */
export async function blockBucket(db: Db, input: { key: string; spec: BucketSpec; untilMs: number; reason: string; nowMs: number }) {
  const current = await db.providerBudgetBucket.findUnique({ where: { key: input.key } });
  if (current && (current.blockedUntilMs ?? 0) >= input.untilMs) return;
  await db.providerBudgetBucket.upsert({
    where: { key: input.key },
    create: { key: input.key, tokens: 0, updatedAtMs: input.nowMs, blockedUntilMs: input.untilMs, blockedReason: input.reason },
    update: { blockedUntilMs: input.untilMs, blockedReason: input.reason, version: { increment: 1 } },
  });
}

/** Leases one of `slots` concurrency slots of `key` for `leaseMs`; null when all are taken. */
export async function leaseSlot(
  db: Db,
  input: { key: string; slots: number; holder: string; leaseMs: number; nowMs: number },
): Promise<number | null> {
  const seen = known(knownSlots, db);
  const marker = `${input.key}#${input.slots}`;
  if (!seen.has(marker)) {
    for (let slot = 0; slot < input.slots; slot++) {
      try {
        await db.providerBudgetSlot.upsert({ where: { key_slot: { key: input.key, slot } }, create: { key: input.key, slot }, update: {} });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    seen.add(marker);
  }
  const first = Math.floor(Math.random() * input.slots);
  for (let i = 0; i < input.slots; i++) {
    const slot = (first + i) % input.slots;
    const { count } = await db.providerBudgetSlot.updateMany({
      where: { key: input.key, slot, OR: [{ holder: null }, { expiresAtMs: { lt: input.nowMs } }] },
      data: { holder: input.holder, expiresAtMs: input.nowMs + input.leaseMs },
    });
    if (count === 1) return slot;
  }
  return null;
}

export async function releaseSlot(db: Db, input: { key: string; slot: number; holder: string }): Promise<void> {
  await db.providerBudgetSlot.updateMany({
    where: { key: input.key, slot: input.slot, holder: input.holder },
    data: { holder: null, expiresAtMs: 0 },
  });
}
