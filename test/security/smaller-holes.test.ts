// The smaller holes, on the real stack: an Idempotency-Key reused with another request is refused (422) on
// every idempotent endpoint; an organization named `all` cannot reach the global vault migration; and the
// cleanup schedule deletes expired OAuth states, revoked feeds, old keys and, after the grace period, a
// disconnected connection's synced data (never a live or recently disconnected one's).
import { randomUUID } from 'node:crypto';
import { AUTHENTICATED_ROUTES } from '../../api/app';
import { readVaultMigration, startVaultMigration } from '../../clients/vault-migration';
import { cleanupScheduleId, ensureCleanupSchedule } from '../../clients/cleanup-schedule';
import { SHORT_RETENTION_DAYS } from '../../services/cleanup';
import { vaultMigrationWorkflowId } from '../../workflows/vault-migration/messages';
import { call, connectThroughApi, eventually, tokenFor } from '../api/api-client';
import { recordHistoriesIfAsked } from '../helpers/histories';
import { startTestStack, type TestStack } from '../helpers/stack';

const DAY = 86_400_000;

describe('smaller holes', () => {
  let stack: TestStack;
  let alice: string;
  let connectionId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    alice = await tokenFor(stack, 'acme', 'alice');
    ({ connectionId } = await connectThroughApi(stack, { token: alice, provider: 'google', email: 'holes@example.com' }));
  });
  afterAll(async () => {
    try {
      // The cleanup and vault-migration workflows' histories, for the replay test.
      if (stack) await recordHistoriesIfAsked(stack, 'hardening');
    } finally {
      await stack?.close();
    }
  });

  describe('Idempotency-Key', () => {
    it('is declared with a 422 answer on every route that takes one', () => {
      const idempotent = AUTHENTICATED_ROUTES.filter((route) =>
        Object.keys((route.doc.headers as { shape?: Record<string, unknown> } | undefined)?.shape ?? {}).includes('idempotency-key'),
      );
      expect(idempotent.length).toBeGreaterThanOrEqual(7);
      for (const route of idempotent) expect(Object.keys(route.doc.responses)).toContain('422');
    });

    it('replays the same request and refuses the key with another one', async () => {
      const meeting = (title: string) => ({ title, start: new Date(Date.now() + 2 * DAY).toISOString(), durationMinutes: 30 });
      const schedule = (body: unknown, key: string) =>
        call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, { token: alice, body, headers: { 'idempotency-key': key } });
      const body = meeting('Quarterly review');
      const first = await schedule(body, 'reused-key-0001');
      expect(first.status).toBe(201);
      expect((await schedule(body, 'reused-key-0001')).body).toEqual(first.body);
      const other = await schedule(meeting('Something else entirely'), 'reused-key-0001');
      expect(other.status).toBe(422);
      expect(other.body.error).toMatchObject({ code: 'idempotency_key_reused', details: [{ field: 'headers.idempotency-key' }] });
      // Nothing else was scheduled.
      expect(stack.google.listEvents('holes@example.com').filter((event) => event.title === 'Something else entirely')).toEqual([]);

      // An edit of the meeting's event: the same key with another edit is refused too.
      const edit = (title: string) =>
        call(stack, 'PATCH', `/v1/connections/${connectionId}/events/${first.body.eventId}`, {
          token: alice,
          body: { title },
          headers: { 'idempotency-key': 'reused-key-0002' },
        });
      expect((await edit('Quarterly review (agenda)')).status).toBe(200);
      expect((await edit('Quarterly review (agenda)')).status).toBe(200);
      const otherEdit = await edit('Renamed by a replay');
      expect(otherEdit.status).toBe(422);
      expect(otherEdit.body.error.code).toBe('idempotency_key_reused');
      const row = await stack.deps.db.calendarEvent.findUniqueOrThrow({ where: { id: first.body.eventId } });
      expect(row.title).toBe('Quarterly review (agenda)');
      // Another user may use the same key for their own request.
      const bob = await tokenFor(stack, 'acme', 'bob');
      const bobs = await call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, {
        token: bob,
        body: meeting('Something else entirely'),
        headers: { 'idempotency-key': 'reused-key-0001' },
      });
      expect(bobs.status).toBe(404); // not his connection; not a 422 about Alice's key
    });
  });

  it('keeps an organization named "all" away from the global vault migration', async () => {
    expect(vaultMigrationWorkflowId(null)).not.toBe(vaultMigrationWorkflowId('all'));
    const global = await startVaultMigration({ temporal: stack.temporal, taskQueue: stack.taskQueue }, { organizationId: null });
    const token = await tokenFor(stack, 'all', 'admin', ['ce.calendar.admin']);
    const started = await call(stack, 'POST', '/v1/vault-migration', { token, body: {} });
    expect(started.status).toBe(202);
    expect(started.body.workflowId).toBe('vault-migration:all');
    expect(started.body.workflowId).not.toBe(global.workflowId);
    expect(started.body.alreadyRunning).toBe(false);
    const own = await readVaultMigration({ temporal: stack.temporal, db: stack.deps.db }, 'all');
    expect(own.workflowId).toBe('vault-migration:all');
  });

  it('cleans up on a schedule: expired states, revoked feeds, old keys, and disconnected data after the grace period', async () => {
    const db = stack.deps.db;
    const now = Date.now();
    const daysAgo = (days: number) => new Date(now - days * DAY);
    const state = (expiresAt: Date, consumedAt: Date | null = null) =>
      db.oAuthState.create({
        data: {
          stateHash: randomUUID(),
          organizationId: 'acme',
          userId: 'alice',
          provider: 'google',
          codeVerifier: 'v',
          redirectUri: 'http://x',
          expiresAt,
          consumedAt,
        },
      });
    const expired = await state(daysAgo(1));
    const used = await state(new Date(now + 600_000), new Date());
    const pending = await state(new Date(now + 600_000));
    const feed = (revokedAt: Date | null) =>
      db.calendarFeed.create({
        data: { organizationId: 'acme', userId: 'alice', visibility: 'private', tokenHash: randomUUID(), revokedAt },
      });
    const oldRevoked = await feed(daysAgo(SHORT_RETENTION_DAYS + 1));
    const newRevoked = await feed(daysAgo(1));
    const live = await feed(null);
    const oldKey = await db.idempotencyKey.create({
      data: {
        organizationId: 'acme',
        userId: 'alice',
        scope: 's',
        key: 'k-old',
        requestHash: 'h',
        createdAt: daysAgo(SHORT_RETENTION_DAYS + 1),
      },
    });

    // Two disconnected connections with synced data: one past the grace period, one within it.
    const disconnectedWithData = async (email: string, disconnectedDaysAgo: number) => {
      const connection = await db.calendarConnection.create({
        data: {
          organizationId: 'acme',
          userId: 'carol',
          provider: 'google',
          externalAccountEmail: email,
          status: 'disconnected',
          disconnectedAt: daysAgo(disconnectedDaysAgo),
        },
      });
      await db.connectionCalendar.create({ data: { connectionId: connection.id, externalCalendarId: email, name: email } });
      const event = await db.calendarEvent.create({
        data: {
          organizationId: 'acme',
          connectionId: connection.id,
          externalCalendarId: email,
          externalEventId: randomUUID(),
          contentHash: 'h',
          syncDirection: 'inbound',
          status: 'confirmed',
          title: 'Synced',
          attendees: JSON.stringify([{ email: 'guest@example.org' }]),
          startAt: new Date(),
          endAt: new Date(),
        },
      });
      await db.eventChange.create({ data: { eventId: event.id, direction: 'inbound', source: 'provider', fieldsAfter: '{}' } });
      await db.eventConflict.create({ data: { eventId: event.id, localVersion: '{}', remoteVersion: '{}', policy: 'manual' } });
      return connection;
    };
    const old = await disconnectedWithData('gone-long-ago@example.com', stack.deps.config.DISCONNECTED_DATA_RETENTION_DAYS + 1);
    const recent = await disconnectedWithData('gone-recently@example.com', 2);
    const liveEvents = await db.calendarEvent.count({ where: { connectionId } });
    // The change stream and its delivery log: kept CHANGE_STREAM_RETENTION_DAYS, then deleted.
    const streamDays = stack.deps.config.CHANGE_STREAM_RETENTION_DAYS;
    const change = (days: number) =>
      db.outboxEvent.create({ data: { organizationId: 'acme', type: 'task.created', data: '{}', occurredAt: daysAgo(days) } });
    const oldChange = await change(streamDays + 1);
    const newChange = await change(streamDays - 1);
    const secret = await stack.deps.vault.put({ organizationId: 'acme', kind: 'webhook_secret', secret: 'whsec_x' });
    const endpoint = await db.webhookEndpoint.create({
      data: { organizationId: 'acme', url: 'https://crm.example.com/hooks', secretCredentialId: secret, createdBy: 'admin' },
    });
    const delivery = (row: { sequence: number; id: string }, days: number) =>
      db.webhookDelivery.create({
        data: {
          endpointId: endpoint.id,
          eventSequence: row.sequence,
          eventId: row.id,
          eventType: 'task.created',
          createdAt: daysAgo(days),
        },
      });
    const oldDelivery = await delivery(oldChange, streamDays + 1);
    const newDelivery = await delivery(newChange, streamDays - 1);

    // The schedule the worker makes at start; triggered now instead of waiting for its interval.
    const scheduleId = await ensureCleanupSchedule(stack.temporal, { taskQueue: stack.taskQueue, intervalMinutes: 60 });
    expect(scheduleId).toBe(cleanupScheduleId(stack.taskQueue));
    const schedule = stack.temporal.schedule.getHandle(scheduleId);
    await schedule.trigger();
    await eventually(
      () => schedule.describe(),
      (description) => description.info.recentActions.length > 0,
      'a cleanup run',
    );
    const runId = (await schedule.describe()).info.recentActions[0]!.action.workflow.workflowId;
    const report = await stack.temporal.workflow.getHandle(runId).result();
    expect(report).toMatchObject({ connections: 1, events: 1 });
    expect(report.changes).toBeGreaterThanOrEqual(1);
    expect(report.webhookDeliveries).toBeGreaterThanOrEqual(1);
    expect(await db.outboxEvent.findUnique({ where: { id: oldChange.id } })).toBeNull();
    expect(await db.outboxEvent.findUnique({ where: { id: newChange.id } })).not.toBeNull();
    expect(await db.webhookDelivery.findUnique({ where: { id: oldDelivery.id } })).toBeNull();
    expect(await db.webhookDelivery.findUnique({ where: { id: newDelivery.id } })).not.toBeNull();

    const ids = async <T extends { id: string }>(rows: Promise<T[]>) => (await rows).map((row) => row.id).sort();
    const states = await db.oAuthState.findMany({
      where: { stateHash: { in: [expired.stateHash, used.stateHash, pending.stateHash] } },
      select: { stateHash: true },
    });
    expect(states.map((row) => row.stateHash)).toEqual([pending.stateHash]);
    expect(await ids(db.calendarFeed.findMany({ where: { id: { in: [oldRevoked.id, newRevoked.id, live.id] } } }))).toEqual(
      [newRevoked.id, live.id].sort(),
    );
    expect(await db.idempotencyKey.findUnique({ where: { id: oldKey.id } })).toBeNull();
    expect(await db.calendarEvent.count({ where: { connectionId: old.id } })).toBe(0);
    expect(await db.eventChange.count({ where: { event: { connectionId: old.id } } })).toBe(0);
    expect(await db.connectionCalendar.count({ where: { connectionId: old.id } })).toBe(0);
    expect(await db.calendarConnection.findUnique({ where: { id: old.id } })).toMatchObject({ status: 'disconnected' });
    expect(await db.calendarEvent.count({ where: { connectionId: recent.id } })).toBe(1);
    expect(await db.calendarEvent.count({ where: { connectionId } })).toBe(liveEvents);
    await schedule.delete();
  });
});
