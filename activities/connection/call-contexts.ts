// Which provider-budget priority each activity's calls have, and how long one request may wait for budget
// (within the activity's own timeout, workflows/connection/activities.ts). A person waits for interactive
// ones (scheduling, edits, the calendar list, free/busy): they go ahead of sync and push renewal. A sync may
// wait long: it heartbeats while it waits.
import { heartbeat } from '@temporalio/activity';
import { withCallContext, type CallContext } from '../../services/provider-budget/call-context';
import type { ConnectionActivities } from './types';

const interactive = (maxWaitMs: number): CallContext => ({ priority: 'interactive', maxWaitMs });

const CONTEXTS: Partial<Record<keyof ConnectionActivities, () => CallContext>> = {
  syncConnection: () => ({ priority: 'background', maxWaitMs: 10 * 60_000, keepAlive: () => heartbeat() }),
  ensurePushChannels: () => ({ priority: 'background', maxWaitMs: 30_000 }),
  repairPushChannel: () => ({ priority: 'background', maxWaitMs: 30_000 }),
  stopPushChannels: () => ({ priority: 'background', maxWaitMs: 30_000 }),
  listCalendars: () => interactive(10_000),
  selectCalendars: () => interactive(10_000),
  freeBusyOfConnection: () => interactive(8_000),
  scheduleMeeting: () => interactive(30_000),
  rescheduleMeeting: () => interactive(30_000),
  cancelMeeting: () => interactive(30_000),
  editEvent: () => interactive(30_000),
  resolveConflict: () => interactive(30_000),
  planOccurrenceEdit: () => interactive(30_000),
  applyOccurrenceEdit: () => interactive(30_000),
  resolveHeldDeletions: () => interactive(30_000),
};

/** Runs every activity inside its call context. */
export function withCallContexts(activities: ConnectionActivities): ConnectionActivities {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities) as Array<[keyof ConnectionActivities, (...args: unknown[]) => Promise<unknown>]>) {
    const context = CONTEXTS[name];
    wrapped[name] = context ? (...args: unknown[]) => withCallContext(context(), () => fn(...args)) : fn;
  }
  return wrapped as unknown as ConnectionActivities;
}
