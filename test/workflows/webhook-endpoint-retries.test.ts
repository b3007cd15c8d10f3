// The webhook endpoint workflow outlives failing delivery activities (mocked activities, real Temporal): a
// delivery activity that throws (the worker died under it, the database failed) is retried until it works,
// however many attempts that takes. With a limit on attempts, `npm run chaos` found endpoints silenced for
// good after a few worker kills: the workflow failed and nothing restarted it.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { type NativeConnection, Worker } from '@temporalio/worker';
import type { WebhookActivities } from '../../activities/webhooks/types';
import { endpointStatusQuery } from '../../workflows/webhook-endpoint/messages';
import type { webhookEndpointWorkflow } from '../../workflows/webhook-endpoint/workflow';
import { connectTestTemporal, type TestTemporal } from '../helpers/test-temporal';
import { waitFor } from '../helpers/wait';

/** More failures than the attempts the delivery activities were once limited to (5). */
const FAILING_ATTEMPTS = 6;

describe('webhook endpoint workflow (mocked activities)', () => {
  let temporal: TestTemporal;
  let client: Client;
  let workerConnection: NativeConnection;

  beforeAll(async () => {
    temporal = await connectTestTemporal();
    ({ client, workerConnection } = temporal);
  });
  afterAll(() => temporal?.close());

  it('keeps retrying a delivery activity that throws, and delivers once it works', async () => {
    let runAttempts = 0;
    let handedOut = false;
    const activities: WebhookActivities = {
      async nextWebhookEvents() {
        if (handedOut) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          return { active: true, events: [] };
        }
        handedOut = true;
        return { active: true, events: [{ sequence: 1, connectionId: 'c1' }] };
      },
      async deliverWebhookEvents() {
        runAttempts += 1;
        if (runAttempts <= FAILING_ATTEMPTS) throw new Error(`worker lost (attempt ${runAttempts})`);
        return { handled: 1, delivered: 1 };
      },
      async deliverWebhookEvent() {
        throw new Error('not used: the run delivers the event');
      },
      async giveUpWebhookEndpoint() {
        throw new Error('not used: nothing is given up');
      },
    };
    const taskQueue = `webhook-retries-${randomUUID()}`;
    const workflowId = `webhook-endpoint-test:${randomUUID()}`;
    const worker = await Worker.create({
      connection: workerConnection,
      taskQueue,
      workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! },
      activities,
    });
    await worker.runUntil(async () => {
      const handle = await client.workflow.start<typeof webhookEndpointWorkflow>('webhookEndpointWorkflow', {
        taskQueue,
        workflowId,
        args: [{ endpointId: 'endpoint-1', cursor: 0 }],
      });
      try {
        const status = await waitFor(
          () => handle.query(endpointStatusQuery),
          (s) => s.delivered === 1,
          { what: 'the delivery after the failing attempts', timeoutMs: 90_000 },
        );
        expect(status.cursor).toBe(1);
        expect(runAttempts).toBe(FAILING_ATTEMPTS + 1);
        expect((await handle.describe()).status.name).toBe('RUNNING');
      } finally {
        await handle.terminate('test done');
      }
    });
  });
});
