// The webhook endpoint workflow's public surface: its id, input, signals and query.
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const webhookEndpointWorkflowId = (endpointId: string): string => `webhook-endpoint:${endpointId}`;

/** Failing deliveries are retried for this long before the endpoint is disabled. */
export const GIVE_UP_AFTER_MS = 3 * 24 * 3_600_000;

export interface WebhookEndpointInput {
  endpointId: string;
  /** The stream position to deliver after (the endpoint's registration point on the first run). */
  cursor: number;
  /** Tests shorten the retry schedule; production uses the defaults. */
  retry?: { initialMs: number; maxMs: number; giveUpAfterMs: number };
  /** Delivered so far (carried across continue-as-new). */
  delivered?: number;
}

export interface WebhookEndpointStatus {
  endpointId: string;
  cursor: number;
  delivered: number;
  /** Events waiting for a retry, with their next attempt. */
  retrying: Array<{ sequence: number; attempts: number; nextAttemptAt: string }>;
}

/** Try this event again now (a failed one: skip the wait; a delivered one: send it again). */
export const redeliverSignal = defineSignal<[{ sequence: number }]>('redeliver');
export const endpointStatusQuery = defineQuery<WebhookEndpointStatus>('status');
