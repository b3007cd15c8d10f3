// Reading connection workflow histories: where the syncConnection activities are, how long each took, and
// how many history events one sync cycle costs.
// Events are told apart by which `...EventAttributes` field they carry (@temporalio/proto, which has the
// event type enum, is not a direct dependency).
import type { Client, WorkflowHandle } from '@temporalio/client';

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

/** e.g. "activityTaskScheduled" for an event carrying activityTaskScheduledEventAttributes. */
function kind(event: HistoryEvent): string {
  const field = Object.keys(event).find((key) => key.endsWith('EventAttributes') && (event as Record<string, unknown>)[key] != null);
  return field ? field.slice(0, -'EventAttributes'.length) : 'unknown';
}

async function events(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return history.events ?? [];
}

const isSyncScheduled = (event: HistoryEvent) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'syncConnection';

const millis = (event: HistoryEvent | undefined): number | undefined => {
  const time = event?.eventTime;
  if (!time) return undefined;
  return Number(time.seconds ?? 0) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
};

/** Scheduled-to-completed milliseconds of each syncConnection activity, in order. */
export async function syncActivityDurations(client: Client, workflowId: string): Promise<number[]> {
  const all = await events(client, workflowId);
  const out: number[] = [];
  for (const scheduled of all.filter(isSyncScheduled)) {
    const completed = all.find(
      (event) =>
        event.activityTaskCompletedEventAttributes != null &&
        String(event.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduled.eventId),
    );
    const start = millis(scheduled);
    const end = millis(completed);
    if (start !== undefined && end !== undefined) out.push(end - start);
  }
  return out;
}

/**
 * History events per sync cycle: the distance (in event ids) between consecutive syncConnection activities,
 * i.e. everything a cycle costs (the signal that woke it, workflow tasks, the activity, timers). Also the
 * event types of the last cycle, to show what it is made of.
 */
export async function eventsPerSyncCycle(
  client: Client,
  workflowId: string,
): Promise<{ gaps: number[]; lastCycle: string[]; historyLength: number }> {
  const all = await events(client, workflowId);
  const syncIndexes = all.map((event, index) => (isSyncScheduled(event) ? index : -1)).filter((index) => index >= 0);
  const gaps = syncIndexes.slice(1).map((index, i) => index - syncIndexes[i]!);
  const lastCycle =
    syncIndexes.length >= 2 ? all.slice(syncIndexes[syncIndexes.length - 2]!, syncIndexes[syncIndexes.length - 1]!).map(kind) : [];
  return { gaps, lastCycle, historyLength: all.length };
}
