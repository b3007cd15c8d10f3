// The connection workflow's timer paths with mocked activities, on the shared Temporal dev server: token
// refresh before expiry, push renewal before expiry, reminders at their due time, and continue-as-new
// carrying the whole state (a reminder due right after the new run starts is delivered, once). The mocked
// activities report expiries and meetings a few seconds ahead, so each path runs in seconds of real time.
// (Temporal's time-skipping test server is a separate binary that cannot be downloaded here.)
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { type NativeConnection, Worker } from '@temporalio/worker';
import type { ConnectionActivities, ConnectionContext, SyncResult } from '../../activities/connection/types';
import { connectionWorkflowId, statusQuery, syncNowSignal, type ConnectionWorkflowInput } from '../../workflows/connection/messages';
import { initialState } from '../../workflows/connection/state';
import { HISTORY_EVENT_LIMIT } from '../../workflows/connection/run-length';
import type { connectionWorkflow } from '../../workflows/connection/workflow';
import { recordWorkflowHistoryIfAsked } from '../helpers/histories';
import { connectTestTemporal, type TestTemporal } from '../helpers/test-temporal';
import { waitFor } from '../helpers/wait';

const MINUTE = 60_000;
const LEAD_MINUTES = 5;
const iso = (ms: number) => new Date(ms).toISOString();

interface Recorded {
  name: keyof ConnectionActivities;
  at: number;
  input: unknown;
  /** The workflow run that called it (continue-as-new starts a new run). */
  runId: string;
}

/** Activities that answer what the test says and record every call. */
function mockActivities(answers: {
  context: () => Partial<ConnectionContext>;
  sync?: () => Partial<SyncResult>;
  push?: () => { expiresAt?: string };
}) {
  const calls: Recorded[] = [];
  const record = (name: keyof ConnectionActivities, input: unknown) =>
    calls.push({ name, at: Date.now(), input, runId: Context.current().info.workflowExecution?.runId ?? '' });
  const activities: Partial<ConnectionActivities> = {
    async loadConnectionContext(connectionId) {
      record('loadConnectionContext', connectionId);
      return {
        settings: { defaultMeetingDurationMinutes: 30, syncPollIntervalMinutes: 15, preMeetingNotificationMinutes: LEAD_MINUTES },
        storedHealth: 'active',
        syncedEvents: 0,
        migrationRequired: false,
        ...answers.context(),
      };
    },
    async syncConnection(input) {
      record('syncConnection', input);
      return { upserted: 0, deleted: 0, unchanged: 0, fullResync: false, syncedEvents: 0, upcoming: [], ...answers.sync?.() };
    },
    async ensurePushChannels(connectionId) {
      record('ensurePushChannels', connectionId);
      return answers.push?.() ?? {};
    },
    async refreshConnectionToken(connectionId) {
      record('refreshConnectionToken', connectionId);
      return { tokenExpiresAt: iso(Date.now() + 60 * MINUTE) };
    },
    async deliverReminder(input) {
      record('deliverReminder', input);
      return 'delivered';
    },
    async recordConnectionHealth(input) {
      record('recordConnectionHealth', input);
    },
  };
  return { activities, calls, named: (name: keyof ConnectionActivities) => calls.filter((call) => call.name === name) };
}

describe('connection workflow timers (mocked activities)', () => {
  let temporal: TestTemporal;
  let client: Client;
  let workerConnection: NativeConnection;

  beforeAll(async () => {
    temporal = await connectTestTemporal();
    ({ client, workerConnection } = temporal);
  });
  afterAll(() => temporal?.close());

  /** Runs the workflow on a worker of its own until `until` resolves, then terminates it. */
  async function withWorkflow(
    mocks: ReturnType<typeof mockActivities>,
    input: Partial<ConnectionWorkflowInput>,
    until: (workflowId: string) => Promise<void>,
  ): Promise<void> {
    const taskQueue = `timers-${randomUUID()}`;
    const connectionId = randomUUID();
    const workflowId = connectionWorkflowId(connectionId);
    const worker = await Worker.create({
      connection: workerConnection,
      taskQueue,
      workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! },
      activities: mocks.activities,
    });
    await worker.runUntil(async () => {
      await client.workflow.start<typeof connectionWorkflow>('connectionWorkflow', {
        taskQueue,
        workflowId,
        args: [{ connectionId, organizationId: 'timers', userId: 'u', provider: 'google', ...input }],
      });
      try {
        await until(workflowId);
      } finally {
        await client.workflow.getHandle(workflowId).terminate('test done');
      }
    });
  }

  it('refreshes the access token before it expires', async () => {
    const started = Date.now();
    const mocks = mockActivities({ context: () => ({ tokenExpiresAt: iso(started + 5 * MINUTE + 2_000) }) });
    await withWorkflow(mocks, {}, async (workflowId) => {
      await waitFor(
        async () => mocks.named('refreshConnectionToken').length,
        (count) => count === 1,
        { what: 'token refresh' },
      );
      const status = await waitFor(
        () => client.workflow.getHandle(workflowId).query(statusQuery),
        (s) => Date.parse(s.tokenExpiresAt ?? '') > started + 30 * MINUTE,
        { what: 'new expiry in status' },
      );
      expect(status.health).toBe('active');
    });
    // Refreshed in the 5-minute margin, not before the workflow could know of the expiry.
    expect(mocks.named('refreshConnectionToken')[0]!.at).toBeGreaterThanOrEqual(started + 2_000);
  });

  it('renews push channels before they expire', async () => {
    const started = Date.now();
    let answers = 0;
    const mocks = mockActivities({
      context: () => ({}),
      // First channel: expires in one hour and two seconds (renewal margin: one hour); then a week.
      push: () => ({ expiresAt: iso(answers++ === 0 ? started + 60 * MINUTE + 2_000 : Date.now() + 7 * 24 * 60 * MINUTE) }),
    });
    await withWorkflow(mocks, {}, async () => {
      await waitFor(
        async () => mocks.named('ensurePushChannels').length,
        (count) => count === 2,
        { what: 'push renewal' },
      );
    });
    expect(mocks.named('ensurePushChannels')[1]!.at).toBeGreaterThanOrEqual(started + 2_000);
  });

  it('runs a sync requested right after a periodic poll at once: polls do not start the requested-sync gap', async () => {
    const mocks = mockActivities({ context: () => ({}) });
    // A run carried over with no sync pending and its poll due in 2 s; requested syncs keep a 10-minute gap.
    const fresh = initialState(undefined, Date.now());
    const carried = { ...fresh, pending: { ...fresh.pending, sync: false }, nextSyncAt: Date.now() + 2_000 };
    await withWorkflow(mocks, { carried, minSyncGapMs: 10 * MINUTE }, async (workflowId) => {
      await waitFor(
        async () => mocks.named('syncConnection').length,
        (count) => count === 1,
        { what: 'the poll' },
      );
      await client.workflow.getHandle(workflowId).signal(syncNowSignal, { reason: 'push' });
      // Before the gap counted polls too, this sync waited ten minutes.
      await waitFor(
        async () => mocks.named('syncConnection').length,
        (count) => count === 2,
        { what: 'the requested sync' },
      );
      recordWorkflowHistoryIfAsked({ workflowId, type: 'connectionWorkflow' }, 'poll-then-push');
    });
  });

  it("runs a sync requested right after a connection's first sync at once: the first sync starts no gap", async () => {
    const mocks = mockActivities({ context: () => ({}) });
    // A new connection (its first sync runs at once); requested syncs keep a 10-minute gap.
    await withWorkflow(mocks, { minSyncGapMs: 10 * MINUTE }, async (workflowId) => {
      await waitFor(
        async () => mocks.named('syncConnection').length,
        (count) => count === 1,
        { what: 'the first sync' },
      );
      await client.workflow.getHandle(workflowId).signal(syncNowSignal, { reason: 'push' });
      // Before, the first sync started the gap and this push's sync waited ten minutes.
      await waitFor(
        async () => mocks.named('syncConnection').length,
        (count) => count === 2,
        { what: 'the requested sync' },
      );
      recordWorkflowHistoryIfAsked({ workflowId, type: 'connectionWorkflow' }, 'first-sync-then-push');
    });
  });

  it('delivers a reminder when it is due, once', async () => {
    const startAt = Date.now() + LEAD_MINUTES * MINUTE + 2_000;
    const mocks = mockActivities({ context: () => ({}), sync: () => ({ upcoming: [{ eventId: 'meeting-1', startAt: iso(startAt) }] }) });
    await withWorkflow(mocks, {}, async (workflowId) => {
      await waitFor(
        async () => mocks.named('deliverReminder').length,
        (count) => count === 1,
        { what: 'reminder' },
      );
      const status = await client.workflow.getHandle(workflowId).query(statusQuery);
      expect(status.pendingReminders).toBe(0);
    });
    const [reminder] = mocks.named('deliverReminder');
    expect(reminder!.input).toMatchObject({ eventId: 'meeting-1', startAt: iso(startAt), leadMinutes: LEAD_MINUTES });
    expect(reminder!.at).toBeGreaterThanOrEqual(startAt - LEAD_MINUTES * MINUTE);
  });

  it('runs the daily reconciliation at its time of day, and schedules the next one a day later', async () => {
    const slot = Date.now() + 4_000;
    const dayStart = Math.floor(slot / (24 * 60 * MINUTE)) * 24 * 60 * MINUTE;
    const mocks = mockActivities({
      // The window opens 4 s from now (fractional minutes: the configured HH:MM is whole minutes), no spread.
      context: () => ({ reconcile: { dailyAtMinutes: (slot - dayStart) / MINUTE, spreadMinutes: 0 } }),
      sync: () => ({ reconciled: { at: iso(Date.now()), calendars: 1, repaired: 2 } }),
    });
    await withWorkflow(mocks, {}, async (workflowId) => {
      await waitFor(
        async () => mocks.named('syncConnection').filter((call) => (call.input as { reconcile?: boolean }).reconcile).length,
        (count) => count === 1,
        { what: 'the reconciliation' },
      );
      const status = await waitFor(
        () => client.workflow.getHandle(workflowId).query(statusQuery),
        (s) => !!s.lastReconcile,
        { what: 'the reconciliation in the status' },
      );
      expect(Date.parse(status.nextReconcileAt!)).toBe(slot + 24 * 60 * MINUTE);
      expect(status.lastReconcile).toMatchObject({ calendars: 1, repaired: 2 });
    });
    const [first, ...rest] = mocks.named('syncConnection');
    // The first sync at start is an ordinary one; the reconciliation runs at its time, once.
    expect((first!.input as { reconcile?: boolean }).reconcile).toBeUndefined();
    const reconciliations = rest.filter((call) => (call.input as { reconcile?: boolean }).reconcile);
    expect(reconciliations).toHaveLength(1);
    expect(reconciliations[0]!.at).toBeGreaterThanOrEqual(slot);
  });

  it('continues as new after about a dozen syncs, so an evicted workflow replays a short history', async () => {
    const mocks = mockActivities({ context: () => ({}) });
    await withWorkflow(mocks, { minSyncGapMs: 0 }, async (workflowId) => {
      const handle = client.workflow.getHandle(workflowId);
      const runs = () => new Set(mocks.named('syncConnection').map((call) => call.runId)).size;
      await waitFor(
        async () => mocks.named('syncConnection').length,
        (count) => count === 1,
        { what: 'the first sync' },
      );
      for (let sync = 1; sync <= 40 && runs() < 2; sync++) {
        await handle.signal(syncNowSignal, { reason: 'manual' });
        await waitFor(
          async () => mocks.named('syncConnection').length,
          (count) => count > sync,
          { what: `sync ${sync + 1}` },
        );
      }
      expect(runs()).toBe(2);
      const firstRunId = mocks.named('syncConnection')[0]!.runId;
      const firstRun = await client.workflow.getHandle(workflowId, firstRunId).fetchHistory();
      // Cut at the first loop turn past the limit: at most one sync's events over it.
      expect(firstRun.events!.length).toBeGreaterThanOrEqual(HISTORY_EVENT_LIMIT);
      expect(firstRun.events!.length).toBeLessThan(HISTORY_EVENT_LIMIT + 20);
      // The first run ends in continue-as-new at the patched limit: the replay test guards that path.
      recordWorkflowHistoryIfAsked({ workflowId, runId: firstRunId, type: 'connectionWorkflow' }, 'short-runs');
    });
  });

  it('carries a reminder across continue-as-new and delivers it once in the new run', async () => {
    // Due 20 s after the start: the first run continues as new long before, right after its first sync
    // and push renewal (a small history bound), and the new run must know of the meeting without syncing.
    const startAt = Date.now() + LEAD_MINUTES * MINUTE + 20_000;
    const mocks = mockActivities({ context: () => ({}), sync: () => ({ upcoming: [{ eventId: 'meeting-2', startAt: iso(startAt) }] }) });
    await withWorkflow(mocks, { historyEventLimit: 20 }, async () => {
      await waitFor(
        async () => mocks.named('deliverReminder').length,
        (count) => count === 1,
        {
          what: 'reminder after continue-as-new',
          timeoutMs: 60_000,
        },
      );
    });
    // One sync (the new run had nothing due), one reminder, delivered by a later run than the sync's.
    const [sync] = mocks.named('syncConnection');
    const [reminder] = mocks.named('deliverReminder');
    expect(mocks.named('syncConnection')).toHaveLength(1);
    expect(mocks.named('deliverReminder')).toHaveLength(1);
    expect(reminder!.input).toMatchObject({ eventId: 'meeting-2' });
    expect(reminder!.runId).not.toBe(sync!.runId);
  });
});
