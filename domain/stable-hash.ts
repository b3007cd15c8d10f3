// A stable hash of a string (FNV-1a over its UTF-16 code units): the same in every process and version, no
// crypto needed. Spreads per-connection schedules (reconciliation, first polls) without Math.random, so the
// workflows that use it stay deterministic.
export function stableHash(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i += 1) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A place in [0, widthMs) for this key: the same every time, and spread evenly over many keys. */
export function spreadOffsetMs(key: string, widthMs: number): number {
  return widthMs <= 0 ? 0 : stableHash(key) % Math.floor(widthMs);
}
