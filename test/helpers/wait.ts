// Polls until a condition holds (integration tests observe real asynchronous systems). Fails with the last
// value seen, so a timeout says what was there instead of just "timed out".
export async function waitFor<T>(
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = lastError ? `error: ${(lastError as Error).message}` : `last value: ${JSON.stringify(last)?.slice(0, 500)}`;
      throw new Error(`Timed out waiting for ${options.what ?? 'condition'} (${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}
