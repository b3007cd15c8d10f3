// A fetch that asks the call's meter (the provider budget) before every request and releases it when the
// answer (its headers) arrived. The Google adapter hands it to its clients as their fetch implementation.
import type { RequestMeter } from './types';

export function meteredFetch(meter: RequestMeter, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const release = await meter.acquire();
    try {
      return await base(input, init);
    } finally {
      release();
    }
  };
}
