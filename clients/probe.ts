// The platform probe's client (workflows/probe.ts): start one for a new database row, read its state.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { probeStatusQuery, probeWorkflowId, type ProbeStatus } from '../workflows/probe';
import type { probeWorkflow } from '../workflows/probe';

export async function startProbe(temporal: Client, taskQueue: string, probeId: string): Promise<void> {
  await temporal.workflow.start<typeof probeWorkflow>('probeWorkflow', {
    taskQueue,
    workflowId: probeWorkflowId(probeId),
    args: [probeId],
  });
}

/** The probe's state, or null when there is no such probe. */
export async function readProbe(temporal: Client, probeId: string): Promise<ProbeStatus | null> {
  try {
    return await temporal.workflow.getHandle(probeWorkflowId(probeId)).query(probeStatusQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}
