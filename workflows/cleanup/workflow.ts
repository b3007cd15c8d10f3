// The cleanup: one run per tick of the `calendar-cleanup` schedule (clients/cleanup-schedule.ts), visible in
// the Temporal UI with what it removed. The work is one idempotent activity, retried until it succeeds.
import { proxyActivities } from '@temporalio/workflow';
import type { CleanupActivities } from '../../activities/cleanup';
import type { CleanupReport } from '../../services/cleanup';

const { cleanUpExpiredData } = proxyActivities<CleanupActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

export async function cleanupWorkflow(): Promise<CleanupReport> {
  return cleanUpExpiredData();
}
