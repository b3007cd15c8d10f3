// Runs `work` over `items` with at most `limit` calls in flight at once, results in the items' order. One
// API request that fans out (free/busy over fifty users' connections) must not put unbounded load on the
// workflows, the worker or the providers at once.
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, lane));
  return results;
}
