// Provider faults for the chaos run: a fixed share of every provider API request fails, as a mix of what
// the fakes can do (fakes/README.md, Faults). OAuth endpoints are not faulted (the fakes exempt them).
// The fakes' injector tries its faults in order, each with its own rate, so to give each kind its share of
// ALL requests, kind i gets the rate share_i / (1 - shares before it): the conditional probability.
import type { FakeProviderControl, FaultSpec } from '../../fakes/types';

/** Each kind's part of the faulted requests (sums to 1). */
export const FAULT_MIX: Array<{ spec: Omit<FaultSpec, 'rate'>; part: number; what: string }> = [
  { spec: { kind: 'rate_limit', retryAfterSeconds: 1 }, part: 0.3, what: '429 rate limit (Retry-After 1 s)' },
  { spec: { kind: 'server_error' }, part: 0.2, what: '500' },
  { spec: { kind: 'unavailable', retryAfterSeconds: 1 }, part: 0.2, what: '503' },
  { spec: { kind: 'drop' }, part: 0.2, what: 'connection dropped without an answer' },
  // Answered correctly, but after the adapter's 30 s request timeout: the caller gives up on a write that
  // lands anyway, the case that makes a retried meeting a duplicate unless the create is idempotent.
  { spec: { kind: 'slow', delayMs: 35_000 }, part: 0.1, what: 'answered after 35 s (past the 30 s client timeout)' },
];

/** The injector rates that make `totalRate` of requests fail, split as FAULT_MIX says. */
export function faultSpecs(totalRate: number): FaultSpec[] {
  let before = 0;
  return FAULT_MIX.map(({ spec, part }) => {
    const share = totalRate * part;
    const rate = share / (1 - before);
    before += share;
    return { ...spec, rate };
  });
}

export function describeFaultMix(totalRate: number): string {
  return FAULT_MIX.map(({ part, what }) => `${(totalRate * part * 100).toFixed(1)}% ${what}`).join(', ');
}

/** Turns the faults on at every fake; the returned function turns them off. */
export function startProviderFaults(fakes: FakeProviderControl[], totalRate: number): () => void {
  for (const fake of fakes) for (const spec of faultSpecs(totalRate)) fake.injectFault(spec);
  return () => fakes.forEach((fake) => fake.clearFaults());
}
