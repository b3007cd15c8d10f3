// Generic fault injection for the provider fakes. The injector decides WHETHER a request gets a fault; the
// fake decides what the fault looks like on its wire (Google and Graph error bodies differ), via `render`.

import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FaultKind, FaultSpec } from '../types';

interface ActiveFault {
  spec: FaultSpec;
  remaining: number | undefined; // undefined: rate-based, until cleared
}

export type FaultOutcome = 'handled' | 'continue';

/** Writes the provider-specific response of a status-code fault. */
export type FaultRenderer = (res: ServerResponse, fault: FaultSpec & { kind: Exclude<FaultKind, 'slow' | 'drop'> }) => void;

export class FaultInjector {
  private faults: ActiveFault[] = [];

  /**
   * @param appliesByDefault which paths a fault without `pathIncludes` targets (e.g. API paths, not the
   *   fake's own control routes).
   * @param random injectable for deterministic rate-based tests.
   */
  constructor(
    private readonly appliesByDefault: (path: string) => boolean,
    private readonly random: () => number = Math.random,
  ) {}

  add(spec: FaultSpec): void {
    if (spec.count === undefined && spec.rate === undefined) {
      this.faults.push({ spec, remaining: 1 });
    } else {
      this.faults.push({ spec, remaining: spec.count });
    }
  }

  clear(): void {
    this.faults = [];
  }

  /** Picks (and consumes) the fault for this request, if any. */
  take(path: string): FaultSpec | undefined {
    for (const fault of this.faults) {
      const matches = fault.spec.pathIncludes !== undefined ? path.includes(fault.spec.pathIncludes) : this.appliesByDefault(path);
      if (!matches) continue;
      if (fault.remaining !== undefined) {
        if (fault.remaining <= 0) continue;
        fault.remaining -= 1;
        this.faults = this.faults.filter((f) => f.remaining === undefined || f.remaining > 0);
        return fault.spec;
      }
      if (this.random() < (fault.spec.rate ?? 0)) return fault.spec;
    }
    return undefined;
  }

  /**
   * Applies the fault for this request, if any. `continue`: serve the request normally (no fault, or a
   * `slow` fault whose delay has passed); `handled`: the response was written or the socket destroyed.
   */
  async apply(req: IncomingMessage, res: ServerResponse, path: string, render: FaultRenderer): Promise<FaultOutcome> {
    const fault = this.take(path);
    if (!fault) return 'continue';
    switch (fault.kind) {
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1000));
        return 'continue';
      case 'drop':
        req.socket.destroy();
        return 'handled';
      default:
        render(res, { ...fault, kind: fault.kind });
        return 'handled';
    }
  }
}
