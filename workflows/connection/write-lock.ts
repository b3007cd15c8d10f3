// The connection workflow's one lock: CRM-side writes of existing events and syncs take turns on it.
// Waiting is a workflow `condition` (no timer, no command). Unlike async-mutex (the safe-message-handlers
// sample's choice), a release does not hand the lock straight to the next waiter: the releasing code runs
// on first. Running workflows' histories were recorded with exactly these timings (which command comes
// first when a sync and a write finish together), so both entry points keep them; the replay test
// (test/workflows/replay.test.ts) fails on any other order.
import { condition } from '@temporalio/workflow';

export class WriteLock {
  #held = false;

  /** Runs `work` holding the lock, waiting for it first while someone else holds it (update handlers). */
  async run<T>(work: () => Promise<T>): Promise<T> {
    while (this.#held) await condition(() => !this.#held);
    this.#held = true;
    try {
      return await work();
    } finally {
      this.#held = false;
    }
  }

  /**
   * The workflow loop's turn (a sync): like run(), but when the lock is free `work` starts at once and its
   * own promise is returned, so the loop resumes in the same step as when it awaited the work directly.
   */
  takeTurn(work: () => Promise<void>): Promise<void> {
    if (this.#held) return this.run(work);
    this.#held = true;
    const done = work();
    const release = () => {
      this.#held = false;
    };
    void done.then(release, release);
    return done;
  }
}
