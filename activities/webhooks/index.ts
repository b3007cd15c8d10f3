// The webhook endpoint workflow's activities (services/webhooks), run by the worker on the webhooks task
// queue. The wait for new events heartbeats while it polls.
import { heartbeat } from '@temporalio/activity';
import type { ServiceDependencies } from '../../services/dependencies';
import { deliverEvent, deliverInOrder } from '../../services/webhooks/delivery';
import { giveUpEndpoint } from '../../services/webhooks/give-up';
import { nextEventsFor } from '../../services/webhooks/stream';
import { withFailureMapping } from '../failure-mapping';
import type { WebhookActivities } from './types';

export function createWebhookActivities(deps: ServiceDependencies): WebhookActivities {
  return withFailureMapping({
    nextWebhookEvents: (input) => nextEventsFor(deps, input, () => heartbeat()),
    deliverWebhookEvent: (input) => deliverEvent(deps, input),
    deliverWebhookEvents: (input) => deliverInOrder(deps, input, () => heartbeat()),
    giveUpWebhookEndpoint: (input) => giveUpEndpoint(deps, input),
  });
}
