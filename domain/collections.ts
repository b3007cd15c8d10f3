// Small list helpers the services share. Pure.

/** `items` in consecutive groups of at most `size` (the last one shorter). */
export function inGroupsOf<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let first = 0; first < items.length; first += size) groups.push(items.slice(first, first + size));
  return groups;
}

/** `items` by key, each group in the items' order. */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
