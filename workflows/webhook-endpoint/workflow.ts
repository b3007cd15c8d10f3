// One workflow per webhook endpoint: it takes the organization's change stream in order and delivers each
// event, events of different connections in parallel and those of one connection one after another, so
// a CRM sees each connection's changes in order. A failed attempt is retried with exponential backoff
// (5 s doubling to 1 h) until GIVE_UP_AFTER_MS after the first failure, then the endpoint is disabled and
// its admin told. Its activities run on their own task queue, so a slow or dead endpoint never takes the
// worker slots syncs use. Deterministic: I/O only through activities.
import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { WebhookActivities } from '../../activities/webhooks/types';
import { endpointStatusQuery, GIVE_UP_AFTER_MS, redeliverSignal, type WebhookEndpointInput, type WebhookEndpointStatus } from './messages';

const DEFAULT_RETRY = { initialMs: 5_000, maxMs: 3_600_000, giveUpAfterMs: GIVE_UP_AFTER_MS };
const BATCH = 200;
/** How long one wait for new events lasts before the workflow checks in (signals, continue-as-new). */
const WAIT_MS = 10_000;

const stream = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
// The delivery activities retry without a limit. An endpoint's own failures are outcomes, not errors (the
// workflow's backoff and give-up handle those); what throws is the worker dying or the database failing, and
// a limited number of attempts let a few worker restarts fail this workflow for good, silencing the endpoint
// until it was registered again (found by `npm run chaos`). A stuck attempt shows in the Temporal UI.
/** An attempt waits at most 10 s for the endpoint; a worker that dies during one is noticed after 30 s. */
const deliveries = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
/** A run of one connection's events in one activity, heartbeating after each. */
const runs = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function webhookEndpointWorkflow(input: WebhookEndpointInput): Promise<void> {
  const retry = input.retry ?? DEFAULT_RETRY;
  let cursor = input.cursor;
  let delivered = input.delivered ?? 0;
  let givenUp: string | undefined;
  const retrying = new Map<number, { attempts: number; nextAttemptAt: number }>();
  const redeliver: number[] = [];
  setHandler(redeliverSignal, ({ sequence }) => void redeliver.push(sequence));
  setHandler(endpointStatusQuery, (): WebhookEndpointStatus => ({
    endpointId: input.endpointId,
    cursor,
    delivered,
    retrying: [...retrying].map(([sequence, state]) => ({
      sequence,
      attempts: state.attempts,
      nextAttemptAt: new Date(state.nextAttemptAt).toISOString(),
    })),
  }));

  const backoff = (attempts: number) => Math.min(retry.maxMs, retry.initialMs * 2 ** Math.max(0, attempts - 1));

  /**
   * Delivers one event, retrying until it is delivered, gone, or the endpoint is given up. `failedOnce`:
   * its first attempt already failed (in a run of events).
   */
  async function deliver(sequence: number, failedOnce = false): Promise<void> {
    let firstFailureAt: number | undefined;
    if (failedOnce) {
      firstFailureAt = Date.now();
      retrying.set(sequence, { attempts: 1, nextAttemptAt: Date.now() + backoff(1) });
      await waitBeforeRetry(sequence, backoff(1));
    }
    for (let attempts = failedOnce ? 2 : 1; givenUp === undefined; attempts++) {
      const wait = backoff(attempts);
      const outcome = await deliveries.deliverWebhookEvent({
        endpointId: input.endpointId,
        sequence,
        nextAttemptAt: new Date(Date.now() + wait).toISOString(),
      });
      if (outcome.delivered || !outcome.exists) {
        retrying.delete(sequence);
        if (outcome.delivered) delivered += 1;
        return;
      }
      firstFailureAt ??= Date.now();
      if (Date.now() - firstFailureAt >= retry.giveUpAfterMs) {
        givenUp = `failing since ${new Date(firstFailureAt).toISOString()} (last: ${outcome.error ?? 'no answer'})`;
        return;
      }
      retrying.set(sequence, { attempts, nextAttemptAt: Date.now() + wait });
      await waitBeforeRetry(sequence, wait);
    }
  }

  /** The backoff wait, cut short by a redeliver request for this event. */
  async function waitBeforeRetry(sequence: number, wait: number): Promise<void> {
    const nudged = () => redeliver.includes(sequence);
    await condition(nudged, wait);
    if (nudged()) redeliver.splice(redeliver.indexOf(sequence), 1);
  }

  /** A connection's events in order: runs of them per activity; a failed one is retried before the rest. */
  async function deliverLane(sequences: number[]): Promise<void> {
    let next = 0;
    while (next < sequences.length && givenUp === undefined) {
      const run = await runs.deliverWebhookEvents({
        endpointId: input.endpointId,
        sequences: sequences.slice(next),
        nextAttemptAt: new Date(Date.now() + backoff(1)).toISOString(),
      });
      delivered += run.delivered;
      next += run.handled;
      if (run.failed) {
        await deliver(run.failed.sequence, true);
        next += 1;
      }
    }
  }

  /** Each connection's events in order; different connections side by side. */
  async function deliverInOrder(events: Array<{ sequence: number; connectionId: string | null }>): Promise<void> {
    const lanes = new Map<string, number[]>();
    for (const event of events) {
      const lane = event.connectionId ?? '';
      lanes.set(lane, [...(lanes.get(lane) ?? []), event.sequence]);
    }
    await Promise.all([...lanes.values()].map((sequences) => deliverLane(sequences)));
  }

  for (;;) {
    // Requested redeliveries of events already handed out (the delivery log's retry).
    while (redeliver.length > 0 && givenUp === undefined) {
      const sequence = redeliver.shift()!;
      if (sequence <= cursor && !retrying.has(sequence)) await deliver(sequence);
    }
    const batch = await stream.nextWebhookEvents({ endpointId: input.endpointId, after: cursor, limit: BATCH, waitMs: WAIT_MS });
    if (!batch.active) return; // deleted or disabled
    if (batch.events.length > 0) {
      await deliverInOrder(batch.events);
      if (givenUp !== undefined) {
        await deliveries.giveUpWebhookEndpoint({ endpointId: input.endpointId, reason: givenUp });
        return;
      }
      cursor = batch.events[batch.events.length - 1]!.sequence;
    }
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > 2_000) {
      await continueAsNew<typeof webhookEndpointWorkflow>({ ...input, cursor, delivered });
    }
  }
}
