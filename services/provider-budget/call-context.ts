// What kind of work a provider call is part of, set by the activity (or API handler) that starts it and read
// by the provider budget: interactive calls (a person waits: scheduling, edits, free/busy, the calendar
// list) go ahead of background ones (sync, push renewal), and how long a call may wait for its turn depends
// on the activity's own timeout. A long wait keeps the activity alive through `keepAlive` (a heartbeat).
import { AsyncLocalStorage } from 'node:async_hooks';

export type CallPriority = 'interactive' | 'background';

export interface CallContext {
  priority: CallPriority;
  /** The longest a single request may wait for budget before the call fails as rate limited (and is retried). */
  maxWaitMs: number;
  /** Called every few seconds while waiting (activities heartbeat here). */
  keepAlive?: () => void;
}

const storage = new AsyncLocalStorage<CallContext>();

/** Outside any activity or handler (scripts, tests): background work that may wait half a minute. */
const DEFAULT_CONTEXT: CallContext = { priority: 'background', maxWaitMs: 30_000 };

export function withCallContext<T>(context: CallContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(context, fn);
}

export function currentCallContext(): CallContext {
  return storage.getStore() ?? DEFAULT_CONTEXT;
}
