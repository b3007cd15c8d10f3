// The connection workflow on the real stack: Temporal dev server, a migrated SQLite database, the production
// Google/Microsoft adapters on their fakes, the vault, and the API (for push notifications).
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import {
  cancelMeetingUpdate,
  disconnectSignal,
  rescheduleMeetingUpdate,
  scheduleMeetingUpdate,
  settingsChangedSignal,
  statusQuery,
  syncNowSignal,
  type ConnectionStatus,
} from '../../workflows/connection/messages';
import { connectSandboxAccount } from '../helpers/connect';
import { recordHistoriesIfAsked } from '../helpers/histories';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';
import { eventsOfEachRun } from '../helpers/workflow-runs';

const HOUR = 3_600_000;

function timed(hoursFromNow: number, title: string, durationHours = 1) {
  const start = new Date(Date.now() + hoursFromNow * HOUR);
  const end = new Date(start.getTime() + durationHours * HOUR);
  return {
    title,
    start: { kind: 'dateTime' as const, dateTime: start.toISOString(), timeZone: 'Europe/Berlin' },
    end: { kind: 'dateTime' as const, dateTime: end.toISOString(), timeZone: 'Europe/Berlin' },
  };
}

describe('connection workflow', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ googlePageSize: 50 });
  });
  afterAll(async () => {
    try {
      if (stack) await recordHistoriesIfAsked(stack, 'connection');
    } finally {
      await stack?.close();
    }
  });

  const status = (workflowId: string) => stack.temporal.workflow.getHandle(workflowId).query(statusQuery);
  const inboundCount = (connectionId: string) =>
    stack.deps.db.calendarEvent.count({ where: { connectionId, syncDirection: 'inbound', status: { not: 'cancelled' } } });
  const syncedOnce = (s: ConnectionStatus) => s.lastSync?.outcome === 'ok';

  it.each(['google', 'microsoft'] as const)('%s: first sync, incremental changes and provider-side deletion', async (provider) => {
    const fake = provider === 'google' ? stack.google : stack.microsoft;
    const email = `first-sync-${provider}@example.com`;
    fake.ensureAccount(email);
    fake.seedEvents(
      email,
      Array.from({ length: 120 }, (_, i) => timed(24 + i, `Seeded ${i}`)),
    );

    const { connectionId, workflowId } = await connectSandboxAccount(stack, { provider, email });
    await waitFor(
      () => inboundCount(connectionId),
      (count) => count === 120,
      { what: 'first sync' },
    );
    const first = await waitFor(() => status(workflowId), syncedOnce, { what: 'status after first sync' });
    expect(first.health).toBe('active');
    expect(first.syncedEvents).toBe(120);

    // Rows carry external ids, version tags and content hashes, direction inbound.
    const row = await stack.deps.db.calendarEvent.findFirstOrThrow({ where: { connectionId, title: 'Seeded 0' } });
    expect(row).toMatchObject({ syncDirection: 'inbound', status: 'confirmed' });
    expect(row.externalEventId).toBeTruthy();
    expect(row.etag).toBeTruthy();
    expect(row.contentHash).toMatch(/^[0-9a-f]{64}$/);

    // Provider-side create, update and delete, then a sync.
    const createdId = fake.seedEvent(email, timed(500, 'Added at the provider'));
    const events = fake.listEvents(email);
    const toRename = events.find((event) => event.title === 'Seeded 1')!;
    const toDelete = events.find((event) => event.title === 'Seeded 2')!;
    fake.updateEventAsProvider(email, toRename.id, { title: 'Renamed at the provider' });
    fake.deleteEventAsProvider(email, toDelete.id);
    await stack.temporal.workflow.getHandle(workflowId).signal(syncNowSignal, { reason: 'manual' });

    await waitFor(
      () => stack.deps.db.calendarEvent.findMany({ where: { connectionId }, select: { externalEventId: true, title: true, status: true } }),
      (rows) =>
        rows.some((r) => r.externalEventId === createdId && r.status !== 'cancelled') &&
        rows.some((r) => r.externalEventId === toRename.id && r.title === 'Renamed at the provider') &&
        rows.some((r) => r.externalEventId === toDelete.id && r.status === 'cancelled'),
      { what: 'incremental changes applied' },
    );
    // Nothing else moved: the unchanged rows were not rewritten.
    const unchanged = await stack.deps.db.calendarEvent.findFirstOrThrow({ where: { connectionId, title: 'Seeded 0' } });
    expect(unchanged.updatedAt.getTime()).toBe(row.updatedAt.getTime());
  });

  it('coalesces a burst of sync requests into few syncs', async () => {
    const email = 'burst@example.com';
    stack.google.ensureAccount(email);
    const { workflowId } = await connectSandboxAccount(stack, { provider: 'google', email });
    await waitFor(() => status(workflowId), syncedOnce);
    const handle = stack.temporal.workflow.getHandle(workflowId);
    const before = await countActivities(workflowId, 'syncConnection');
    const signalledAt = Date.now();
    await Promise.all(Array.from({ length: 25 }, () => handle.signal(syncNowSignal, { reason: 'push' })));
    await waitFor(
      () => status(workflowId),
      (s) => Date.parse(s.lastSync!.at) >= signalledAt,
      { what: 'sync after the burst' },
    );
    // Let the follow-up sync (if any) finish, then count.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const syncs = (await countActivities(workflowId, 'syncConnection')) - before;
    expect(syncs).toBeGreaterThanOrEqual(1);
    expect(syncs).toBeLessThanOrEqual(3);
  });

  it('applies a changed poll interval from the next cycle', async () => {
    const email = 'interval@example.com';
    stack.google.ensureAccount(email);
    const { workflowId } = await connectSandboxAccount(stack, { provider: 'google', email, organizationId: 'interval-org' });
    const before = await waitFor(() => status(workflowId), syncedOnce);
    expect(Date.parse(before.nextSyncAt!) - Date.parse(before.lastSync!.at)).toBe(15 * 60_000);

    await stack.deps.db.moduleSettings.upsert({
      where: { organizationId: 'interval-org' },
      create: { organizationId: 'interval-org', syncPollIntervalMinutes: 7 },
      update: { syncPollIntervalMinutes: 7 },
    });
    await stack.temporal.workflow.getHandle(workflowId).signal(settingsChangedSignal);
    const after = await waitFor(
      () => status(workflowId),
      (s) => s.settings?.syncPollIntervalMinutes === 7,
    );
    expect(Date.parse(after.nextSyncAt!) - Date.parse(after.lastSync!.at)).toBe(7 * 60_000);
  });

  it('refreshes an expired access token on demand and keeps syncing', async () => {
    const email = 'expiry@example.com';
    stack.microsoft.ensureAccount(email);
    const { connectionId, workflowId } = await connectSandboxAccount(stack, { provider: 'microsoft', email });
    await waitFor(() => status(workflowId), syncedOnce);
    const credentialBefore = await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: connectionId } });

    stack.microsoft.expireAccessTokens(email);
    stack.microsoft.seedEvent(email, timed(30, 'After expiry'));
    await stack.temporal.workflow.getHandle(workflowId).signal(syncNowSignal);
    await waitFor(
      () => stack.deps.db.calendarEvent.count({ where: { connectionId, title: 'After expiry' } }),
      (count) => count === 1,
      { what: 'sync after token expiry' },
    );
    const after = await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(after.tokenExpiresAt!.getTime()).toBeGreaterThan(credentialBefore.tokenExpiresAt!.getTime());
    expect((await status(workflowId)).health).toBe('active');
  });

  it('waits out a rate limit for the Retry-After the provider gave, then syncs', async () => {
    const email = 'throttled@example.com';
    stack.microsoft.ensureAccount(email);
    const { connectionId, workflowId } = await connectSandboxAccount(stack, { provider: 'microsoft', email });
    await waitFor(() => status(workflowId), syncedOnce);
    stack.microsoft.seedEvent(email, timed(70, 'After throttling'));
    stack.microsoft.clearRequests();
    stack.microsoft.injectFault({ kind: 'rate_limit', count: 1, retryAfterSeconds: 2, pathIncludes: '/delta' });
    const signalledAt = Date.now();
    await stack.temporal.workflow.getHandle(workflowId).signal(syncNowSignal);
    await waitFor(
      () => stack.deps.db.calendarEvent.count({ where: { connectionId, title: 'After throttling' } }),
      (n) => n === 1,
      {
        what: 'sync after the rate limit',
      },
    );
    // One 429, then the retry came no sooner than the provider asked.
    const throttled = stack.microsoft.requests().filter((request) => request.status === 429);
    expect(throttled).toHaveLength(1);
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(2_000);
    expect((await status(workflowId)).health).toBe('active');
  });

  it('stops calling a revoked provider, shows needs_reconnect, and resumes after reconnecting', async () => {
    const email = 'revoked@example.com';
    stack.google.ensureAccount(email);
    const { connectionId, workflowId } = await connectSandboxAccount(stack, { provider: 'google', email, organizationId: 'revoke-org' });
    await waitFor(() => status(workflowId), syncedOnce);

    stack.google.revokeGrants(email);
    const handle = stack.temporal.workflow.getHandle(workflowId);
    await handle.signal(syncNowSignal);
    const revoked = await waitFor(
      () => status(workflowId),
      (s) => s.health === 'needs_reconnect',
      { what: 'needs_reconnect' },
    );
    expect(revoked.lastError?.code).toBe('invalid_grant');
    const row = await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(row).toMatchObject({ status: 'needs_reconnect', lastErrorCode: 'invalid_grant' });

    // No retry storm: further sync requests do not reach the provider.
    stack.google.clearRequests();
    await Promise.all(Array.from({ length: 5 }, () => handle.signal(syncNowSignal)));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(stack.google.requests().filter((request) => !request.path.startsWith('/__fake'))).toEqual([]);

    // Operators find it by its search attribute.
    await waitFor(
      async () => {
        const ids: string[] = [];
        for await (const execution of stack.temporal.workflow.list({
          query: `ConnectionHealth = 'needs_reconnect' AND OrganizationId = 'revoke-org'`,
        })) {
          ids.push(execution.workflowId);
        }
        return ids;
      },
      (ids) => ids.includes(workflowId),
      { what: 'visibility query by ConnectionHealth', timeoutMs: 20_000 },
    );

    // Reconnect through the OAuth flow: the same connection, new tokens, active again.
    stack.google.seedEvent(email, timed(40, 'Made while disconnected'));
    const again = await connectSandboxAccount(stack, { provider: 'google', email, organizationId: 'revoke-org' });
    expect(again.connectionId).toBe(connectionId);
    await waitFor(
      () => status(workflowId),
      (s) => s.health === 'active' && s.lastError === undefined,
      { what: 'active after reconnect' },
    );
    await waitFor(
      () => stack.deps.db.calendarEvent.count({ where: { connectionId, title: 'Made while disconnected' } }),
      (n) => n === 1,
    );
  });

  it('schedules a meeting once per request id: one provider event, one CRM activity', async () => {
    const email = 'schedule@example.com';
    stack.google.ensureAccount(email);
    const { connectionId, workflowId } = await connectSandboxAccount(stack, { provider: 'google', email });
    await waitFor(() => status(workflowId), syncedOnce);
    const handle = stack.temporal.workflow.getHandle(workflowId);
    const requestId = `req-${randomUUID()}`;
    const input = {
      requestId,
      title: 'Quarterly review',
      start: new Date(Date.now() + 48 * HOUR).toISOString(),
      timeZone: 'America/New_York',
      attendees: [{ email: 'client@example.org' }],
      contactId: 'contact-42',
    };
    const first = await handle.executeUpdate(scheduleMeetingUpdate, { args: [input], updateId: requestId });
    const retried = await handle.executeUpdate(scheduleMeetingUpdate, { args: [input], updateId: requestId });
    expect(retried).toEqual(first);
    expect(first.durationMinutes).toBe(30); // the organization's default

    expect(stack.google.listEvents(email).filter((event) => event.title === 'Quarterly review')).toHaveLength(1);
    const activities = await stack.deps.db.crmActivity.findMany({ where: { subject: 'Quarterly review' } });
    expect(activities).toHaveLength(1);
    const event = await stack.deps.db.calendarEvent.findUniqueOrThrow({ where: { id: first.eventId } });
    expect(event).toMatchObject({ syncDirection: 'outbound', activityId: activities[0]!.id, connectionId, requestId });

    // The next sync sees our own event and does not apply it back (no echo).
    const before = await stack.deps.db.calendarEvent.findUniqueOrThrow({ where: { id: first.eventId } });
    await handle.signal(syncNowSignal);
    await waitFor(
      () => status(workflowId),
      (s) => Date.parse(s.lastSync!.at) > before.updatedAt.getTime(),
    );
    const after = await stack.deps.db.calendarEvent.findUniqueOrThrow({ where: { id: first.eventId } });
    expect(after.updatedAt.getTime()).toBe(before.updatedAt.getTime());
    expect(await stack.deps.db.calendarEvent.count({ where: { connectionId, title: 'Quarterly review' } })).toBe(1);

    // Invalid input is rejected by the update validator, naming the field, writing nothing.
    const rejected = await handle
      .executeUpdate(scheduleMeetingUpdate, { args: [{ ...input, requestId: `req-${randomUUID()}`, durationMinutes: 5 }] })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(rejected).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((rejected as WorkflowUpdateFailedError).cause).toMatchObject({
      type: 'invalid_request',
      message: 'durationMinutes: must be a whole number of minutes from 15 to 480',
    });
    expect(await stack.deps.db.crmActivity.count({ where: { subject: 'Quarterly review' } })).toBe(1);

    // Reschedule and cancel propagate to the provider.
    const moved = await handle.executeUpdate(rescheduleMeetingUpdate, {
      args: [
        { requestId: `req-${randomUUID()}`, eventId: first.eventId, change: { title: 'Quarterly review (moved)', durationMinutes: 45 } },
      ],
    });
    expect(moved.durationMinutes).toBe(45);
    expect(stack.google.listEvents(email).some((e) => e.title === 'Quarterly review (moved)')).toBe(true);
    await handle.executeUpdate(cancelMeetingUpdate, { args: [{ requestId: `req-${randomUUID()}`, eventId: first.eventId }] });
    expect(stack.google.listEvents(email).some((e) => e.title === 'Quarterly review (moved)' && e.status !== 'cancelled')).toBe(false);
    const activity = await stack.deps.db.crmActivity.findUniqueOrThrow({ where: { id: activities[0]!.id } });
    expect(activity.status).toBe('cancelled');
    await expect(
      handle.executeUpdate(cancelMeetingUpdate, { args: [{ requestId: `req-${randomUUID()}`, eventId: 'no-such-event' }] }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  });

  it('creates a reminder once, and moves it when the meeting moves', async () => {
    const email = 'reminder@example.com';
    stack.google.ensureAccount(email);
    const organizationId = 'reminder-org';
    await stack.deps.db.organization.upsert({ where: { id: organizationId }, create: { id: organizationId }, update: {} });
    await stack.deps.db.moduleSettings.upsert({
      where: { organizationId },
      create: { organizationId, preMeetingNotificationMinutes: 5 },
      update: { preMeetingNotificationMinutes: 5 },
    });
    const { workflowId } = await connectSandboxAccount(stack, { provider: 'google', email, organizationId });
    await waitFor(() => status(workflowId), syncedOnce);
    const handle = stack.temporal.workflow.getHandle(workflowId);

    // Due 4 s from now (5 min lead); then moved so that it is due 2 s later than that.
    const scheduled = await handle.executeUpdate(scheduleMeetingUpdate, {
      args: [{ requestId: `req-${randomUUID()}`, title: 'Soon', start: new Date(Date.now() + 5 * 60_000 + 60_000).toISOString() }],
    });
    const newStart = new Date(Date.now() + 5 * 60_000 + 4_000).toISOString();
    const moved = await handle.executeUpdate(rescheduleMeetingUpdate, {
      args: [{ requestId: `req-${randomUUID()}`, eventId: scheduled.eventId, change: { start: newStart } }],
    });

    const notifications = await waitFor(
      () => stack.deps.db.notification.findMany({ where: { eventId: scheduled.eventId } }),
      (rows) => rows.length > 0,
      { what: 'reminder', timeoutMs: 20_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const all = await stack.deps.db.notification.findMany({ where: { eventId: scheduled.eventId } });
    expect(all).toHaveLength(1);
    // Keyed by the moved start (as the provider stored it, to the second), not the original one.
    expect(all[0]!.dedupeKey).toBe(`pre-meeting:${scheduled.eventId}:${moved.start}`);
    expect(moved.start).not.toBe(scheduled.start);
    expect(notifications[0]!.type).toBe('calendar.pre_meeting');
  });

  it('reminds before the next occurrence of a recurring series the provider lists only as a master', async () => {
    const email = 'series-reminder@example.com';
    stack.google.ensureAccount(email);
    const organizationId = 'series-reminder-org';
    await stack.deps.db.organization.upsert({ where: { id: organizationId }, create: { id: organizationId }, update: {} });
    await stack.deps.db.moduleSettings.upsert({
      where: { organizationId },
      create: { organizationId, preMeetingNotificationMinutes: 5 },
      update: { preMeetingNotificationMinutes: 5 },
    });
    // A daily series that began yesterday; today's occurrence starts 5 min + 6 s from now.
    const todays = new Date(Math.ceil((Date.now() + 5 * 60_000 + 6_000) / 1000) * 1000);
    const first = new Date(todays.getTime() - 24 * HOUR);
    stack.google.seedEvent(email, {
      title: 'Daily stand-up',
      start: { kind: 'dateTime', dateTime: first.toISOString(), timeZone: 'Europe/Berlin' },
      end: { kind: 'dateTime', dateTime: new Date(first.getTime() + 15 * 60_000).toISOString(), timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=DAILY;COUNT=5'],
    });
    const { connectionId } = await connectSandboxAccount(stack, { provider: 'google', email, organizationId });
    const master = await waitFor(
      () => stack.deps.db.calendarEvent.findFirst({ where: { connectionId, title: 'Daily stand-up', eventKind: 'seriesMaster' } }),
      (row) => row !== null,
      { what: 'series master synced' },
    );
    const reminders = await waitFor(
      () => stack.deps.db.notification.findMany({ where: { eventId: master!.id } }),
      (rows) => rows.length > 0,
      { what: 'reminder for the occurrence', timeoutMs: 30_000 },
    );
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.dedupeKey).toBe(`pre-meeting:${master!.id}:${todays.toISOString()}`);
  });

  it('disconnect stops channels, revokes and deletes tokens, and ends the workflow', async () => {
    const email = 'disconnect@example.com';
    stack.google.ensureAccount(email);
    const { connectionId, workflowId } = await connectSandboxAccount(stack, {
      provider: 'google',
      email,
      organizationId: 'disconnect-org',
    });
    await waitFor(
      () => status(workflowId),
      (s) => syncedOnce(s) && s.pushChannelExpiresAt !== undefined,
      { what: 'push channel' },
    );
    expect(stack.google.listPushChannels(email)).toHaveLength(1);
    const row = await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: connectionId } });
    const refreshToken = await stack.deps.vault.get(row.refreshTokenCredentialId!);

    const handle = stack.temporal.workflow.getHandle(workflowId);
    await handle.signal(disconnectSignal);
    await handle.result();

    expect(stack.google.listPushChannels(email)).toHaveLength(0);
    const after = await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(after).toMatchObject({ status: 'disconnected', accessTokenCredentialId: null, refreshTokenCredentialId: null });
    const leftover = await stack.deps.db.credential.count({
      where: { id: { in: [row.accessTokenCredentialId!, row.refreshTokenCredentialId!] } },
    });
    expect(leftover).toBe(0);
    // The grant is revoked at the provider: the old refresh token no longer works.
    const runtime = stack.deps.providers.get('google');
    await expect(runtime.adapter.refresh(runtime.defaultClient, refreshToken)).rejects.toMatchObject({ kind: 'access_revoked' });
  });

  it('continues as new with signals and updates in flight, losing none', async () => {
    const email = 'long-running@example.com';
    stack.google.ensureAccount(email);
    const service = stack.connecting;
    const { authorizationUrl } = await service.startConnecting({
      organizationId: 'can-org',
      userId: 'alice',
      provider: 'google',
      loginHint: email,
    });
    const { code, state } = await stack.google.authorize(authorizationUrl, email);
    // Start the workflow ourselves with a tiny history bound so it continues as new every few events.
    const connected = await service.completeConnecting({ organizationId: 'can-org', userId: 'alice' }, { provider: 'google', state, code });
    const workflowId = `calendar-connection:${connected.connectionId}`;
    const handle = stack.temporal.workflow.getHandle(workflowId);
    await waitFor(() => status(workflowId), syncedOnce);
    await handle.terminate('restart with a small history bound for this test');
    await stack.temporal.workflow.start('connectionWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId,
      args: [
        { connectionId: connected.connectionId, organizationId: 'can-org', userId: 'alice', provider: 'google', historyEventLimit: 25 },
      ],
    });

    const meetings: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      stack.google.seedEvent(email, timed(60 + i, `Burst ${i}`));
      await handle.signal(syncNowSignal);
      if (i % 8 === 7) await new Promise((resolve) => setTimeout(resolve, 300)); // let runs end mid-burst
      if (i % 10 === 0) {
        const requestId = `req-can-${i}-${randomUUID()}`;
        meetings.push(
          handle.executeUpdate(scheduleMeetingUpdate, {
            args: [{ requestId, title: `Meeting ${i}`, start: new Date(Date.now() + (100 + i) * HOUR).toISOString() }],
            updateId: requestId,
          }),
        );
      }
    }
    await Promise.all(meetings);
    await waitFor(
      () => stack.deps.db.calendarEvent.count({ where: { connectionId: connected.connectionId, title: { startsWith: 'Burst' } } }),
      (count) => count === 40,
      { what: 'all provider changes synced across runs' },
    );
    const final = await waitFor(
      () => status(workflowId),
      (s) => s.generation >= 2,
      { what: 'continued as new at least twice' },
    );
    expect(final.historyLength).toBeLessThan(200);
    expect(await stack.deps.db.crmActivity.count({ where: { subject: { startsWith: 'Meeting ' }, organizationId: 'can-org' } })).toBe(4);
  });

  it('survives a worker killed mid-sync: no duplicate, no gap', async () => {
    const email = 'crash@example.com';
    stack.google.ensureAccount(email);
    stack.google.seedEvents(
      email,
      Array.from({ length: 600 }, (_, i) => timed(10 + i, `Bulk ${i}`)),
    );
    stack.google.injectFault({ kind: 'slow', delayMs: 400, pathIncludes: '/events', rate: 1 });
    const { connectionId } = await connectSandboxAccount(stack, { provider: 'google', email, organizationId: 'crash-org' });
    await waitFor(
      () => inboundCount(connectionId),
      (count) => count > 0 && count < 600,
      { what: 'partial sync', intervalMs: 50 },
    );
    await stack.stopWorker();
    const partial = await inboundCount(connectionId);
    stack.google.clearFaults();
    await stack.startWorker();
    await waitFor(
      () => inboundCount(connectionId),
      (count) => count === 600,
      { what: 'sync completed after restart', timeoutMs: 60_000 },
    );
    expect(partial).toBeLessThanOrEqual(600);
    const distinct = await stack.deps.db.calendarEvent.groupBy({
      by: ['externalEventId'],
      where: { connectionId },
      _count: { _all: true },
    });
    expect(distinct.every((group) => group._count._all === 1)).toBe(true);
    expect(distinct).toHaveLength(600);
  });

  async function countActivities(workflowId: string, activityType: string): Promise<number> {
    const events = (await eventsOfEachRun(stack.temporal, workflowId)).flat();
    return events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === activityType).length;
  }
});
