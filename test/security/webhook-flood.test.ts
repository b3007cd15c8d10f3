// Webhooks under attack, on the real stack: oversized bodies and batches are refused with 413; forged
// notifications are dropped before any database work (proved with a database that refuses every push
// channel query); a replayed Google notification (same message number, or another resource) is dropped;
// and a flood of genuine-looking notifications for one connection costs at most a couple of signals and
// syncs, not one each. Graph items are checked one by one, lifecycle events included.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import type { Db } from '../../db/client';
import { hashSecret } from '../../services/secret-hash';
import { connectionWorkflowId } from '../../workflows/connection/messages';
import { call, connectThroughApi, eventually, tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';
import { eventsOfEachRun } from '../helpers/workflow-runs';

const GAP_SECONDS = 5;

describe('webhooks hold up against floods, forgeries and replays', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ env: { SYNC_MIN_GAP_SECONDS: String(GAP_SECONDS) } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const google = (headers: Record<string, string>) => call(stack, 'POST', '/v1/webhooks/google', { headers });
  const graph = (body: unknown) => call(stack, 'POST', '/v1/webhooks/microsoft', { body });

  /** A connected account whose first channel's secret the test knows (as an attacker who learned it would). */
  async function knownChannel(provider: 'google' | 'microsoft', email: string) {
    const token = await tokenFor(stack, 'acme', `owner-${provider}`);
    const { connectionId } = await connectThroughApi(stack, { token, provider, email });
    const channel = await eventually(
      () => stack.deps.db.pushChannel.findFirst({ where: { connectionId, status: 'active' } }),
      (row) => row !== null,
      'push channel created',
    );
    const secret = stack.deps.pushTokens.issue();
    await stack.deps.db.pushChannel.update({ where: { id: channel!.id }, data: { tokenHash: hashSecret(secret) } });
    await eventually(
      () => stack.workflows.status(connectionId),
      (status) => status?.lastSync?.outcome === 'ok',
      'first sync',
    );
    return { connectionId, channel: channel!, secret };
  }

  async function signalsAndSyncs(connectionId: string) {
    // Every run's: a flood may make the workflow continue as new between two counts.
    const events = (await eventsOfEachRun(stack.temporal, connectionWorkflowId(connectionId))).flat();
    return {
      signals: events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'syncNow').length,
      lifecycle: events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'pushLifecycle').length,
      syncs: events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'syncConnection').length,
    };
  }

  it('refuses an oversized body and an oversized batch with 413', async () => {
    const big = await call(stack, 'POST', '/v1/webhooks/microsoft', {
      rawBody: JSON.stringify({ value: [], pad: 'x'.repeat(70_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.status).toBe(413);
    const item = { subscriptionId: 's', clientState: 'c', changeType: 'updated', resource: 'me/events/1' };
    const many = await graph({ value: Array.from({ length: 101 }, () => item) });
    expect(many.status).toBe(413);
    expect(many.body.error.code).toBe('too_many_notifications');
    expect((await graph({ value: Array.from({ length: 100 }, () => item) })).status).toBe(202);
  });

  it('drops forged notifications before touching the database', async () => {
    // The same API, but its database refuses every push-channel and connection query.
    const refusing = new Proxy(stack.deps.db, {
      get(target, property, receiver) {
        if (property === 'pushChannel' || property === 'calendarConnection') throw new Error(`database work: ${String(property)}`);
        return Reflect.get(target, property, receiver) as unknown;
      },
    }) as Db;
    const app = await createApp({ ...stack.deps, db: refusing, systemDb: refusing, temporal: stack.temporal });
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const forged = {
        'x-goog-channel-id': 'c',
        'x-goog-resource-state': 'exists',
        'x-goog-message-number': '2',
        'x-goog-resource-id': 'r',
      };
      const forgeries = [
        undefined,
        'a-random-guess',
        stack.deps.pushTokens.issue().replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        `v1.00000000.${'A'.repeat(22)}.${'B'.repeat(43)}`,
      ];
      for (const secret of forgeries) {
        const headers = { ...forged, ...(secret ? { 'x-goog-channel-token': secret } : {}) };
        expect((await fetch(`${base}/v1/webhooks/google`, { method: 'POST', headers })).status).toBe(202);
      }
      const graphForged = { value: [{ subscriptionId: 's', clientState: 'guess', changeType: 'created', resource: 'me/events/1' }] };
      const answer = await fetch(`${base}/v1/webhooks/microsoft`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(graphForged),
      });
      expect(answer.status).toBe(202);
      // A secret this service did sign does reach the database (and here fails there): the guard is real.
      const signed = await fetch(`${base}/v1/webhooks/google`, {
        method: 'POST',
        headers: { ...forged, 'x-goog-channel-token': stack.deps.pushTokens.issue() },
      });
      expect(signed.status).toBe(500);
    } finally {
      server.close();
    }
  });

  it('drops replayed Google notifications and folds a flood of genuine-looking ones', async () => {
    const { connectionId, channel, secret } = await knownChannel('google', 'flood-google@example.com');
    const headers = (messageNumber: number, resourceId = channel.resourceId!) => ({
      'x-goog-channel-id': channel.providerChannelId,
      'x-goog-channel-token': secret,
      'x-goog-resource-state': 'exists',
      'x-goog-resource-id': resourceId,
      'x-goog-message-number': String(messageNumber),
    });
    const lastNumber = async () => (await stack.deps.db.pushChannel.findUniqueOrThrow({ where: { id: channel.id } })).lastMessageNumber;

    // Quiet first, so the flood below starts a fresh gap.
    await new Promise((resolve) => setTimeout(resolve, GAP_SECONDS * 1000));
    const before = await signalsAndSyncs(connectionId);
    expect((await google(headers(1000))).status).toBe(202);
    expect(await lastNumber()).toBe(1000);
    // The same message again, an older one, and one naming another resource: all dropped.
    expect((await google(headers(1000))).status).toBe(202);
    expect((await google(headers(999))).status).toBe(202);
    expect((await google(headers(1001, 'another-resource'))).status).toBe(202);
    expect(await lastNumber()).toBe(1000);

    // A flood of 60 new, genuine-looking notifications.
    const floodStarted = Date.now();
    for (let n = 1001; n <= 1060; n += 1) expect((await google(headers(n))).status).toBe(202);
    // Each gap the flood spans gives one signal at once and one trailing signal at its end (a loaded machine
    // may stretch the flood over more than one gap); the workflow runs at most one sync per signal.
    const gapsSpanned = Math.floor((Date.now() - floodStarted) / (GAP_SECONDS * 1000)) + 1;
    expect(await lastNumber()).toBe(1060);
    await new Promise((resolve) => setTimeout(resolve, (GAP_SECONDS + 2) * 1000));
    const after = await eventually(
      () => signalsAndSyncs(connectionId),
      (counts) => counts.signals - before.signals >= 2,
      'the trailing signal',
    );
    expect(after.signals - before.signals).toBeLessThanOrEqual(2 * gapsSpanned);
    expect(after.syncs - before.syncs).toBeLessThanOrEqual(after.signals - before.signals);
    expect(after.syncs - before.syncs).toBeGreaterThanOrEqual(1);
  });

  it('checks every Graph item on its own, lifecycle events included', async () => {
    const { connectionId, channel, secret } = await knownChannel('microsoft', 'flood-graph@example.com');
    await new Promise((resolve) => setTimeout(resolve, GAP_SECONDS * 1000));
    const before = await signalsAndSyncs(connectionId);
    const forgedOnly = await graph({
      value: [
        { subscriptionId: channel.providerChannelId, clientState: 'guess', changeType: 'updated', resource: 'me/events/1' },
        { subscriptionId: 'unknown-subscription', clientState: secret, changeType: 'updated', resource: 'me/events/1' },
      ],
    });
    expect(forgedOnly.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await signalsAndSyncs(connectionId)).signals).toBe(before.signals);

    const lifecycle = await graph({
      value: [{ subscriptionId: channel.providerChannelId, clientState: secret, lifecycleEvent: 'missed', resource: 'me/events' }],
    });
    expect(lifecycle.status).toBe(202);
    // Verified, it goes to the workflow as a lifecycle notice (not a plain sync request), and `missed` syncs.
    const after = await eventually(
      () => signalsAndSyncs(connectionId),
      (counts) => counts.lifecycle === before.lifecycle + 1 && counts.syncs > before.syncs,
      'the lifecycle event handed to the workflow, which synced',
    );
    expect(after.signals).toBe(before.signals);
  });
});
