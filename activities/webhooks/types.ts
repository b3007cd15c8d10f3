// The webhook endpoint workflow's activities as it sees them (ids and outcomes only: payloads stay in the
// database).
import type { AttemptOutcome } from '../../services/webhooks/delivery';
import type { StreamBatch } from '../../services/webhooks/stream';

export interface WebhookActivities {
  nextWebhookEvents(input: { endpointId: string; after: number; limit: number; waitMs: number }): Promise<StreamBatch>;
  deliverWebhookEvent(input: { endpointId: string; sequence: number; nextAttemptAt: string | null }): Promise<AttemptOutcome>;
  /** Delivers the events in order until one fails (one activity for a run of a connection's events). */
  deliverWebhookEvents(input: {
    endpointId: string;
    sequences: number[];
    nextAttemptAt: string;
  }): Promise<{ handled: number; delivered: number; failed?: { sequence: number; outcome: AttemptOutcome } }>;
  giveUpWebhookEndpoint(input: { endpointId: string; reason: string }): Promise<void>;
}
