import { mapWithConcurrency } from '../../services/bounded-concurrency';

describe('mapWithConcurrency', () => {
  it('never has more than the limit in flight, and keeps the order of the results', async () => {
    let inFlight = 0;
    let most = 0;
    const gates: Array<() => void> = [];
    const run = mapWithConcurrency(
      Array.from({ length: 50 }, (_, i) => i),
      8,
      async (n) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise<void>((resolve) => gates.push(resolve));
        inFlight -= 1;
        return n * 2;
      },
    );
    // Release the calls one by one as they queue up.
    while (gates.length > 0 || inFlight > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      gates.shift()?.();
    }
    expect(await run).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(most).toBe(8);
  });
});
