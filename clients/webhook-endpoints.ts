// The webhook endpoint workflows' client (workflows/webhook-endpoint): start one per endpoint, nudge a
// delivery, read its status. They run on their own task queue (`<TEMPORAL_TASK_QUEUE>-webhooks`), served
// by a worker with slots of its own, so slow endpoints never take the slots syncs use.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  endpointStatusQuery,
  redeliverSignal,
  webhookEndpointWorkflowId,
  type WebhookEndpointInput,
  type WebhookEndpointStatus,
} from '../workflows/webhook-endpoint/messages';
import type { webhookEndpointWorkflow } from '../workflows/webhook-endpoint/workflow';

export const webhookTaskQueue = (taskQueue: string): string => `${taskQueue}-webhooks`;

export class WebhookEndpointClient {
  constructor(
    private readonly temporal: Client,
    private readonly taskQueue: string,
  ) {}

  /** Starts the endpoint's delivery workflow (once: a second start for the same endpoint is a no-op). */
  async start(input: WebhookEndpointInput): Promise<void> {
    try {
      await this.temporal.workflow.start<typeof webhookEndpointWorkflow>('webhookEndpointWorkflow', {
        taskQueue: webhookTaskQueue(this.taskQueue),
        workflowId: webhookEndpointWorkflowId(input.endpointId),
        args: [input],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  /** Asks for one event to be delivered again now; false when the endpoint's workflow is not running. */
  async redeliver(endpointId: string, sequence: number): Promise<boolean> {
    try {
      await this.temporal.workflow.getHandle(webhookEndpointWorkflowId(endpointId)).signal(redeliverSignal, { sequence });
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  async status(endpointId: string): Promise<WebhookEndpointStatus | null> {
    try {
      return await this.temporal.workflow.getHandle(webhookEndpointWorkflowId(endpointId)).query(endpointStatusQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }
}
