// The webhook endpoint workflow's activities as it sees them (ids and outcomes only: payloads stay in the
// database).
import type { AttemptOutcome } from '../../services/webhooks/delivery';
import type { StreamBatch } from '../../services/webhooks/stream';

export interface WebhookActivities {
  nextWebhookEvents(input: { endpointId: string; after: number; limit: number; waitMs: number }): Promise<StreamBatch>;
  deliverWebhookEvent(input: { endpointId: string; sequence: number; nextAttemptAt: string | null }): Promise<AttemptOutcome>;
  giveUpWebhookEndpoint(input: { endpointId: string; reason: string }): Promise<void>;
}
