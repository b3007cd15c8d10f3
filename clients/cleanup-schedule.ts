// The schedule that runs the cleanup workflow (workflows/cleanup) every CLEANUP_INTERVAL_MINUTES: created
// by the worker at start, or brought up to date when it exists (another worker made it first, or the
// interval changed). One per task queue; overlapping runs are skipped, not queued.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { cleanupWorkflow } from '../workflows/cleanup/workflow';

export const cleanupScheduleId = (taskQueue: string): string => `calendar-cleanup:${taskQueue}`;

export async function ensureCleanupSchedule(temporal: Client, options: { taskQueue: string; intervalMinutes: number }): Promise<string> {
  const scheduleId = cleanupScheduleId(options.taskQueue);
  const spec = { intervals: [{ every: options.intervalMinutes * 60_000 }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'cleanupWorkflow' as const,
    workflowId: `calendar-cleanup-run:${options.taskQueue}`,
    taskQueue: options.taskQueue,
    args: [] as Parameters<typeof cleanupWorkflow>,
  };
  try {
    await temporal.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP } });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await temporal.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
  return scheduleId;
}
