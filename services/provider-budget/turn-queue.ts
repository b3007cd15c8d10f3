// Turns in priority order within this process: interactive callers before background ones, first come first
// served within a priority. Only the caller whose turn it is asks the shared buckets, so the processes'
// callers do not all poll the database at once.
import type { CallPriority } from './call-context';

interface Waiter {
  rank: number;
  seq: number;
  start: () => void;
}

export class TurnQueue {
  #waiters: Waiter[] = [];
  #busy = false;
  #seq = 0;

  /** Resolves with a `done` function when it is this caller's turn; `abandon` rejects it while it waits. */
  wait(priority: CallPriority, signal: { abandoned: Promise<never> }): Promise<() => void> {
    return new Promise<() => void>((resolve, reject) => {
      const waiter: Waiter = {
        rank: priority === 'interactive' ? 0 : 1,
        seq: this.#seq++,
        start: () => resolve(() => this.#next()),
      };
      signal.abandoned.catch((error: unknown) => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) {
          this.#waiters.splice(index, 1);
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      this.#waiters.push(waiter);
      this.#waiters.sort((a, b) => a.rank - b.rank || a.seq - b.seq);
      if (!this.#busy) this.#next();
    });
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  #next(): void {
    const waiter = this.#waiters.shift();
    this.#busy = waiter !== undefined;
    waiter?.start();
  }
}

/**
 * At most `size` permits held at once in this process (the shared slots are leased on top of it). A holder
 * takes all the permits it asks for at once or waits; waiters are served in priority order, first come first.
 */
export class LocalSemaphore {
  #free: number;
  #waiters: Array<{ rank: number; seq: number; permits: number; start: () => void }> = [];
  #seq = 0;

  constructor(private readonly size: number) {
    this.#free = size;
  }

  acquire(priority: CallPriority, signal: { abandoned: Promise<never> }, permits = 1): Promise<() => void> {
    const wanted = Math.min(Math.max(1, permits), this.size);
    return new Promise<() => void>((resolve, reject) => {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.#free += wanted;
        this.#serve();
      };
      const waiter = { rank: priority === 'interactive' ? 0 : 1, seq: this.#seq++, permits: wanted, start: () => resolve(release) };
      signal.abandoned.catch((error: unknown) => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) {
          this.#waiters.splice(index, 1);
          reject(error instanceof Error ? error : new Error(String(error)));
          this.#serve();
        }
      });
      this.#waiters.push(waiter);
      this.#waiters.sort((a, b) => a.rank - b.rank || a.seq - b.seq);
      this.#serve();
    });
  }

  /** Starts waiters from the head of the line while their permits are free (no overtaking: nobody starves). */
  #serve(): void {
    while (this.#waiters.length && this.#waiters[0]!.permits <= this.#free) {
      const waiter = this.#waiters.shift()!;
      this.#free -= waiter.permits;
      waiter.start();
    }
  }
}
