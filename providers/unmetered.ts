// A meter that never waits: for tests and benchmarks that drive an adapter directly against a fake. The
// service itself never uses it (ESLint forbids importing it outside test/ and bench/): every production
// call is metered by the provider budget (services/provider-budget).
import type { CallAuth, RequestMeter } from './types';

export const UNMETERED: RequestMeter = {
  acquire: async () => () => undefined,
};

/** A CallAuth for a direct adapter call in a test or benchmark. */
export function unmeteredAuth(accessToken: string): CallAuth {
  return { accessToken, meter: UNMETERED };
}
