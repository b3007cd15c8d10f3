// Graph client middleware that asks the call's meter (the provider budget) before every request and
// releases it once the answer arrived. A `$batch` counts as the requests in it: Graph evaluates each of them
// against its limits.
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { RequestMeter } from '../types';

function costOf(context: Context): number {
  const url = typeof context.request === 'string' ? context.request : context.request.url;
  if (!/\/\$batch(\?|$)/.test(url)) return 1;
  try {
    const body = JSON.parse(String(context.options?.body ?? '{}')) as { requests?: unknown[] };
    return Math.max(1, body.requests?.length ?? 1);
  } catch {
    return 1;
  }
}

export class MeteringHandler implements Middleware {
  #next: Middleware | undefined;

  constructor(private readonly meter: RequestMeter) {}

  async execute(context: Context): Promise<void> {
    const release = await this.meter.acquire(costOf(context));
    try {
      await this.#next!.execute(context);
    } finally {
      release();
    }
  }

  setNext(next: Middleware): void {
    this.#next = next;
  }
}
