// The provider budget's shared state (pf_provider_budget_buckets, pf_provider_budget_slots): every worker and
// API process takes tokens and concurrency slots from these rows, so together they stay within a provider's
// limits. Optimistic concurrency: a bucket row changes only where its version is still the one read, and a
// slot only when it is free or its lease expired (a crashed process never holds one for long).
import type { Db } from '../db/client';
import { take, type BucketSpec } from '../domain/token-bucket';

export interface BucketRequest {
  key: string;
  spec: BucketSpec;
  /** Tokens the caller must leave in the bucket (background calls leave a reserve for interactive ones). */
  floor: number;
}

export type TakeOutcome =
  | { taken: true }
  /** Not enough tokens in the buckets named (or another process took them first: `waitMs` 0, none named). */
  | { taken: false; waitMs: number; shortKeys: string[] }
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
async function ensureBuckets(db: Db, buckets: BucketRequest[], nowMs: number): Promise<void> {
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

/** Takes `cost` tokens from every bucket at once, or from none. */
export async function takeTokens(db: Db, buckets: BucketRequest[], cost: number, nowMs: number): Promise<TakeOutcome> {
  await ensureBuckets(db, buckets, nowMs);
  try {
    return await db.$transaction(async (tx): Promise<TakeOutcome> => {
      const rows = await tx.providerBudgetBucket.findMany({ where: { key: { in: buckets.map((bucket) => bucket.key) } } });
      const byKey = new Map(rows.map((row) => [row.key, row]));
      const blocked = rows.filter((row) => (row.blockedUntilMs ?? 0) > nowMs);
      if (blocked.length) {
        const latest = blocked.reduce((a, b) => ((a.blockedUntilMs ?? 0) >= (b.blockedUntilMs ?? 0) ? a : b));
        return { blocked: true, untilMs: latest.blockedUntilMs!, reason: latest.blockedReason ?? 'blocked' };
      }
      const plans = buckets.map((bucket) => {
        const row = byKey.get(bucket.key);
        if (!row) throw new Contended(); // deleted under us: start again
        return { bucket, row, result: take(row, bucket.spec, { cost, floor: bucket.floor, nowMs }) };
      });
      const short = plans.filter((plan) => !plan.result.taken);
      if (short.length) {
        return {
          taken: false,
          waitMs: Math.max(...short.map((plan) => (plan.result.taken ? 0 : plan.result.waitMs))),
          shortKeys: short.map((plan) => plan.bucket.key),
        };
      }
      for (const { row, result } of plans) {
        if (!result.taken) continue;
        const { count } = await tx.providerBudgetBucket.updateMany({
          where: { key: row.key, version: row.version },
          data: { tokens: result.state.tokens, updatedAtMs: result.state.updatedAtMs, version: { increment: 1 } },
        });
        if (count !== 1) throw new Contended();
      }
      return { taken: true };
    });
  } catch (error) {
    if (error instanceof Contended) return { taken: false, waitMs: 0, shortKeys: [] };
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
