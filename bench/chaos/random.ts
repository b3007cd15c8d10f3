// A seeded random source (mulberry32), so a chaos run's choices (which accounts change, when the worker dies)
// can be repeated with --seed. Timing still varies from run to run: syncs, retries and kills interleave for real.
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** A whole number in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return { next, int, pick: (items) => items[int(0, items.length - 1)]! };
}

/** `count` instants spread at random over [0, spanMs), in order (milliseconds from the start). */
export function randomInstants(random: Random, count: number, spanMs: number): number[] {
  return Array.from({ length: count }, () => random.next() * spanMs).sort((a, b) => a - b);
}
