// How webhook deliveries behave when endpoints misbehave, on the real stack: retries with backoff after
// 5xx (same webhook-id every time), nothing lost when the worker stops mid-delivery, a slow endpoint delays
// neither other endpoints nor sync, secret rotation (both secrets sign for a while), redelivery on demand,
// an endpoint that keeps failing is disabled and its admin told, and SSRF targets are refused at
// registration and at delivery time.
import dns from 'node:dns/promises';
import os from 'node:os';
import { WebhookEndpointClient } from '../../clients/webhook-endpoints';
import { isPublicAddress } from '../../domain/webhook-targets';
import { webhookEndpointWorkflowId } from '../../workflows/webhook-endpoint/messages';
import { call, eventually, tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startReceiver, verifyStandardWebhook, type Receiver } from './receiver';

describe('webhook deliveries', () => {
  let stack: TestStack;
  let admin: string;
  let eventId: string;
  const receivers: Receiver[] = [];

  /** A change the test can make at will: a follow-up task on one synced event (task.created). */
  async function makeChange(title: string): Promise<string> {
    const created = await call(stack, 'POST', `/v1/events/${eventId}/follow-up-tasks`, { token: admin, body: { title } });
    expect(created.status).toBe(201);
    return created.body.id;
  }
  const tasksReceived = (receiver: Receiver, taskId: string) =>
    receiver.received.filter((webhook) => webhook.parsed.type === 'task.created' && webhook.parsed.data.taskId === taskId);
  async function newReceiver(): Promise<Receiver> {
    const receiver = await startReceiver();
    receivers.push(receiver);
    return receiver;
  }
  async function register(receiver: Receiver): Promise<{ id: string; secret: string }> {
    const registered = await call(stack, 'POST', '/v1/webhook-endpoints', {
      token: admin,
      body: { url: receiver.url, events: ['task.created'] },
    });
    expect(registered.status).toBe(201);
    return registered.body;
  }

  beforeAll(async () => {
    stack = await startTestStack({ env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    admin = await tokenFor(stack, 'acme', 'admin');
    const email = 'deliveries@example.com';
    stack.google.ensureAccount(email);
    stack.google.seedEvent(email, {
      title: 'Anchor',
      start: { kind: 'dateTime', dateTime: new Date(Date.now() + 86_400_000).toISOString(), timeZone: 'UTC' },
      end: { kind: 'dateTime', dateTime: new Date(Date.now() + 90_000_000).toISOString(), timeZone: 'UTC' },
    });
    const { connectThroughApi } = await import('../api/api-client');
    const { connectionId } = await connectThroughApi(stack, { token: admin, provider: 'google', email });
    eventId = (await eventually(
      () => stack.deps.db.calendarEvent.findFirst({ where: { connectionId } }),
      (row) => row !== null,
      'first sync',
    ))!.id;
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  it('retries after 5xx answers with backoff, under the same webhook-id, and logs every attempt', async () => {
    const receiver = await newReceiver();
    const endpoint = await register(receiver);
    let answered = 0;
    receiver.answer(() => ({ status: ++answered <= 2 ? 500 : 204 }));
    const taskId = await makeChange('Retry me');
    await eventually(
      async () => tasksReceived(receiver, taskId),
      (list) => list.length === 3,
      'three attempts',
      60_000,
    );
    const attempts = tasksReceived(receiver, taskId);
    expect(new Set(attempts.map((webhook) => webhook.id)).size).toBe(1);
    expect(attempts.every((webhook) => verifyStandardWebhook(endpoint.secret, webhook))).toBe(true);
    // Backoff: the second attempt waited at least the first retry interval (5 s).
    expect(attempts[1]!.receivedAt - attempts[0]!.receivedAt).toBeGreaterThanOrEqual(4_500);
    const log = await eventually(
      () => call(stack, 'GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: admin }),
      (r) => r.body.deliveries[0]?.status === 'delivered',
      'delivered in the log',
    );
    expect(log.body.deliveries[0]).toMatchObject({ eventId: attempts[0]!.id, attempts: 3, lastStatusCode: 204, nextAttemptAt: null });
  });

  it('loses nothing when the worker process is killed mid-delivery, and delivers what happened while it was dead', async () => {
    const receiver = await newReceiver();
    await register(receiver);
    // The production worker as a process of its own, so it can be killed (SIGKILL) mid-delivery.
    await stack.stopWorker();
    const process = await stack.startWorkerProcess();
    try {
      receiver.answer(() => ({ status: 204, delayMs: 5_000 }));
      const first = await makeChange('In flight when the worker dies');
      await eventually(
        async () => tasksReceived(receiver, first),
        (list) => list.length >= 1,
        'the first attempt arriving',
        60_000,
      );
      await process.kill();
      const whileDead = [await makeChange('Made while the worker is dead 1'), await makeChange('Made while the worker is dead 2')];
      receiver.answer(() => ({ status: 204 }));
      await stack.startWorker();
      for (const taskId of [first, ...whileDead]) {
        await eventually(
          async () => tasksReceived(receiver, taskId),
          (list) => list.length >= 1,
          `task ${taskId} delivered`,
          90_000,
        );
      }
      // The killed attempt is tried again (at least once): a repeat carries the same webhook-id.
      await eventually(
        async () => tasksReceived(receiver, first),
        (list) => list.length >= 2,
        'the killed attempt retried',
        90_000,
      );
      for (const taskId of [first, ...whileDead])
        expect(new Set(tasksReceived(receiver, taskId).map((webhook) => webhook.id)).size).toBe(1);
    } finally {
      await process.kill();
      await stack.startWorker();
    }
  });

  it('a slow endpoint holds up neither another endpoint nor sync', async () => {
    const slow = await newReceiver();
    const fast = await newReceiver();
    await register(slow);
    await register(fast);
    slow.answer(() => ({ status: 204, delayMs: 8_000 }));
    const started = Date.now();
    const tasks = [await makeChange('Fast 1'), await makeChange('Fast 2'), await makeChange('Fast 3')];
    for (const taskId of tasks)
      await eventually(
        async () => tasksReceived(fast, taskId),
        (list) => list.length === 1,
        'fast endpoint',
      );
    // All three reached the healthy endpoint while the slow one was still answering its first...
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(slow.received.length).toBeLessThanOrEqual(1);
    // ...and a sync runs meanwhile (deliveries have their own task queue and slots).
    const connectionId = (await stack.deps.db.calendarEvent.findUniqueOrThrow({ where: { id: eventId } })).connectionId;
    const before = Date.now();
    expect((await call(stack, 'POST', `/v1/connections/${connectionId}/sync`, { token: admin, body: {} })).status).toBe(202);
    await eventually(
      () => call(stack, 'GET', `/v1/connections/${connectionId}`, { token: admin }),
      (r) => Date.parse(r.body.lastSync?.at ?? '') >= before,
      'a sync while the slow endpoint is busy',
    );
    expect(slow.received.length).toBeLessThanOrEqual(1);
  });

  it('signs with both the old and the new secret after a rotation, and redelivers on demand', async () => {
    const receiver = await newReceiver();
    const endpoint = await register(receiver);
    const rotated = await call(stack, 'POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { token: admin, body: {} });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    const taskId = await makeChange('After rotation');
    const [webhook] = await eventually(
      async () => tasksReceived(receiver, taskId),
      (list) => list.length === 1,
      'delivery after rotation',
    );
    expect(webhook!.signature.split(' ')).toHaveLength(2);
    expect(verifyStandardWebhook(endpoint.secret, webhook!)).toBe(true);
    expect(verifyStandardWebhook(rotated.body.secret, webhook!)).toBe(true);

    // The attempt is recorded when the receiver's answer is back, a moment after the receiver has the request.
    const log = await eventually(
      () => call(stack, 'GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: admin }),
      (r) => r.body.deliveries?.length > 0,
      'the delivery in the log',
    );
    const retried = await call(stack, 'POST', `/v1/webhook-endpoints/${endpoint.id}/deliveries/${log.body.deliveries[0].id}/retry`, {
      token: admin,
      body: {},
    });
    expect(retried.status).toBe(202);
    await eventually(
      async () => tasksReceived(receiver, taskId),
      (list) => list.length === 2,
      'redelivery',
    );
    expect(new Set(tasksReceived(receiver, taskId).map((one) => one.id)).size).toBe(1);
  });

  it('disables an endpoint that keeps failing past the give-up window and tells its admin', async () => {
    const receiver = await newReceiver();
    receiver.answer(() => ({ status: 503 }));
    const endpoint = await register(receiver);
    // The same workflow with a give-up window of seconds instead of three days.
    const handle = stack.temporal.workflow.getHandle(webhookEndpointWorkflowId(endpoint.id));
    await handle.terminate('restarted with a short retry schedule for this test');
    const row = await stack.deps.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    await new WebhookEndpointClient(stack.temporal, stack.taskQueue).start({
      endpointId: endpoint.id,
      cursor: row.cursor,
      retry: { initialMs: 200, maxMs: 500, giveUpAfterMs: 2_000 },
    });
    await makeChange('Never delivered');
    const disabled = await eventually(
      () => call(stack, 'GET', '/v1/webhook-endpoints', { token: admin }),
      (r) => r.body.endpoints.find((one: { id: string }) => one.id === endpoint.id)?.disabledAt !== null,
      'endpoint disabled',
    );
    expect(disabled.body.endpoints.find((one: { id: string }) => one.id === endpoint.id).disabledReason).toMatch(/failing since/);
    const log = await call(stack, 'GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: admin });
    expect(log.body.deliveries[0]).toMatchObject({ status: 'failed', lastStatusCode: 503 });
    const notifications = await call(stack, 'GET', '/v1/notifications', { token: admin });
    expect(notifications.body.notifications.map((n: { type: string }) => n.type)).toContain('webhook_endpoint.disabled');
    const feed = await call(stack, 'GET', '/v1/changes?limit=500', { token: admin });
    expect(
      feed.body.changes.find((change: { type: string; data: { endpointId: string } }) => change.type === 'webhook_endpoint.disabled')?.data
        .endpointId,
    ).toBe(endpoint.id);
    const retry = await call(stack, 'POST', `/v1/webhook-endpoints/${endpoint.id}/deliveries/${log.body.deliveries[0].id}/retry`, {
      token: admin,
      body: {},
    });
    expect(retry.status).toBe(409);
  });
});

describe('webhook targets (SSRF)', () => {
  let stack: TestStack;
  let admin: string;

  beforeAll(async () => {
    stack = await startTestStack({ env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: '0' } });
    admin = await tokenFor(stack, 'acme', 'admin');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses http, internal addresses and internal names at registration, naming the field', async () => {
    const cases: Array<[string, RegExp]> = [
      ['http://crm.example.com/hooks', /https/],
      ['https://127.0.0.1:8443/hooks', /loopback/],
      ['https://[::1]/hooks', /loopback/],
      ['https://169.254.169.254/latest/meta-data', /link-local/],
      ['https://10.0.0.5/hooks', /private/],
      ['https://localhost/hooks', /public host/],
    ];
    for (const [url, message] of cases) {
      const answer = await call(stack, 'POST', '/v1/webhook-endpoints', { token: admin, body: { url } });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details[0]).toMatchObject({ field: 'body.url' });
      expect(answer.body.error.message).toMatch(message);
    }
    expect(await stack.deps.db.webhookEndpoint.count()).toBe(0);
  });

  it('refuses at delivery time a name that resolves to an internal address (DNS rebinding)', async () => {
    // This machine's own name resolves to a loopback or private address (/etc/hosts).
    const name = os.hostname();
    const { address } = await dns.lookup(name);
    expect(isPublicAddress(address)).toBe(false);
    const receiver = await startReceiver();
    try {
      const url = receiver.url.replace('http://127.0.0.1', `https://${name}`);
      const registered = await call(stack, 'POST', '/v1/webhook-endpoints', { token: admin, body: { url } });
      expect(registered.status).toBe(201);
      await stack.deps.db.outboxEvent.create({
        data: {
          organizationId: 'acme',
          type: 'vault_migration.completed',
          data: JSON.stringify({ workflowId: 'x', migrated: 0, failedCount: 0 }),
        },
      });
      const log = await eventually(
        () => call(stack, 'GET', `/v1/webhook-endpoints/${registered.body.id}/deliveries`, { token: admin }),
        (r) => r.body.deliveries.length > 0,
        'an attempt in the log',
      );
      expect(log.body.deliveries[0]).toMatchObject({
        status: 'pending',
        lastStatusCode: null,
        lastError: 'target refused: not a public address',
      });
      expect(receiver.received).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
