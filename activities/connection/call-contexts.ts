// Which provider-budget priority each activity's calls have, and how long one request may wait for budget
// (within the activity's own timeout, workflows/connection/activities.ts). A person waits for interactive
// ones (scheduling, edits, the calendar list, free/busy): they go ahead of sync and push renewal. A sync may
// wait long: it heartbeats while it waits.
import { heartbeat } from '@temporalio/activity';
import { withCallContext, type CallContext } from '../../services/provider-budget/call-context';
import type { ConnectionActivities } from './types';

const interactive = (maxWaitMs: number): CallContext => ({ priority: 'interactive', maxWaitMs });

/**
 * Writes a person waits for run with a short heartbeat timeout (workflows/connection/activities.ts,
 * `interactiveWrite`): they heartbeat this often while they run, so only a dead worker misses one. The SDK
 * sends the first heartbeat at once and throttles the rest; a call that ends within a second sends none.
 */
const WRITE_HEARTBEAT_EVERY_MS = 1_000;
const INTERACTIVE_WRITES = new Set<keyof ConnectionActivities>([
  'scheduleMeeting',
  'rescheduleMeeting',
  'cancelMeeting',
  'editEvent',
  'resolveConflict',
  'planOccurrenceEdit',
  'applyOccurrenceEdit',
]);
/** How long an interactive write may wait for provider budget: within its 12 s attempt. */
const WRITE_BUDGET_WAIT_MS = 8_000;

const CONTEXTS: Partial<Record<keyof ConnectionActivities, () => CallContext>> = {
  syncConnection: () => ({ priority: 'background', maxWaitMs: 10 * 60_000, keepAlive: () => heartbeat() }),
  ensurePushChannels: () => ({ priority: 'background', maxWaitMs: 30_000 }),
  repairPushChannel: () => ({ priority: 'background', maxWaitMs: 30_000 }),
  stopPushChannels: () => ({ priority: 'background', maxWaitMs: 30_000 }),
  listCalendars: () => interactive(10_000),
  selectCalendars: () => interactive(10_000),
  freeBusyOfConnection: () => interactive(8_000),
  scheduleMeeting: () => interactive(WRITE_BUDGET_WAIT_MS),
  rescheduleMeeting: () => interactive(WRITE_BUDGET_WAIT_MS),
  cancelMeeting: () => interactive(WRITE_BUDGET_WAIT_MS),
  editEvent: () => interactive(WRITE_BUDGET_WAIT_MS),
  resolveConflict: () => interactive(WRITE_BUDGET_WAIT_MS),
  planOccurrenceEdit: () => interactive(WRITE_BUDGET_WAIT_MS),
  applyOccurrenceEdit: () => interactive(WRITE_BUDGET_WAIT_MS),
  resolveHeldDeletions: () => interactive(30_000),
};

/** Runs every activity inside its call context. */
export function withCallContexts(activities: ConnectionActivities): ConnectionActivities {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities) as Array<[keyof ConnectionActivities, (...args: unknown[]) => Promise<unknown>]>) {
    const context = CONTEXTS[name];
    const run = INTERACTIVE_WRITES.has(name) ? withHeartbeats(fn) : fn;
    wrapped[name] = context ? (...args: unknown[]) => withCallContext(context(), () => run(...args)) : run;
  }
  return wrapped as unknown as ConnectionActivities;
}

function withHeartbeats(fn: (...args: unknown[]) => Promise<unknown>): (...args: unknown[]) => Promise<unknown> {
  return async (...args) => {
    const timer = setInterval(() => heartbeat(), WRITE_HEARTBEAT_EVERY_MS);
    try {
      return await fn(...args);
    } finally {
      clearInterval(timer);
    }
  };
}
