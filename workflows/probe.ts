// The platform probe: the smallest round trip through every part (API -> workflow -> activity -> database
// -> query). It backs `POST /v1/diagnostics/probes`, which operators can use to check a deployment end to end.
import { defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ProbeActivities } from '../activities/probe';

export interface ProbeStatus {
  probeId: string;
  state: 'running' | 'completed';
  completedAt?: string;
  workerId?: string;
}

export const probeStatusQuery = defineQuery<ProbeStatus>('status');

const { recordProbe } = proxyActivities<ProbeActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5 },
});

export async function probeWorkflow(probeId: string): Promise<ProbeStatus> {
  let status: ProbeStatus = { probeId, state: 'running' };
  setHandler(probeStatusQuery, () => status);
  const recorded = await recordProbe(probeId);
  status = { probeId, state: 'completed', ...recorded };
  return status;
}

export const probeWorkflowId = (probeId: string): string => `probe-${probeId}`;
