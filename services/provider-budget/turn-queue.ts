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

/** At most `size` holders at once in this process (the shared slots are leased on top of it). */
export class LocalSemaphore {
  #free: number;
  #waiters: Array<{ rank: number; seq: number; start: () => void }> = [];
  #seq = 0;

  constructor(size: number) {
    this.#free = size;
  }

  acquire(priority: CallPriority, signal: { abandoned: Promise<never> }): Promise<() => void> {
    return new Promise<() => void>((resolve, reject) => {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const next = this.#waiters.shift();
        if (next) next.start();
        else this.#free += 1;
      };
      if (this.#free > 0) {
        this.#free -= 1;
        resolve(release);
        return;
      }
      const waiter = { rank: priority === 'interactive' ? 0 : 1, seq: this.#seq++, start: () => resolve(release) };
      signal.abandoned.catch((error: unknown) => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) {
          this.#waiters.splice(index, 1);
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      this.#waiters.push(waiter);
      this.#waiters.sort((a, b) => a.rank - b.rank || a.seq - b.seq);
    });
  }
}
