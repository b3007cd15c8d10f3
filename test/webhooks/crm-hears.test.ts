// The CRM hears everything, on the real stack (Temporal dev server, SQLite, provider fakes, the API, both
// workers): a registered endpoint (a local receiver) gets every change type of the real flows as
// Standard Webhooks, verified here with an independent implementation of the spec, each connection's changes
// in order; the change feed returns the same events in the same order; the meeting's CRM activity follows
// calendar-side moves, answers and cancellations; reminders and follow-up tasks reach the CRM too.
import { CHANGE_EVENT_SCHEMAS, type ChangeEventType } from '../../domain/change-events';
import { call, connectThroughApi, eventually, tokenFor } from '../api/api-client';
import { insertLegacyConnections } from '../../scripts/legacy/legacy-rows';
import { connectWithPushStopped } from '../helpers/push';
import { startTestStack, type TestStack } from '../helpers/stack';
import { startReceiver, verifyStandardWebhook, type Receiver } from './receiver';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (ms: number) => new Date(ms).toISOString();
/** Calendars keep whole seconds: times in these tests are whole minutes. */
const minutesFromNow = (minutes: number) => Math.floor(Date.now() / MINUTE) * MINUTE + minutes * MINUTE;

describe('the CRM hears everything', () => {
  let stack: TestStack;
  let receiver: Receiver;
  let admin: string;
  let alice: string;
  let secret: string;
  let connectionId: string;
  let keys = 0;
  const key = () => `crm-hears-${String(++keys).padStart(4, '0')}`;
  const email = 'hears@example.com';

  const received = (type: ChangeEventType, where: (data: Record<string, any>) => boolean = () => true) =>
    receiver.received.filter((webhook) => webhook.parsed.type === type && where(webhook.parsed.data));
  const waitForWebhook = (type: ChangeEventType, where?: (data: Record<string, any>) => boolean) =>
    eventually(
      async () => received(type, where),
      (list) => list.length > 0,
      `a ${type} webhook`,
      // Push, sync, change stream, delivery: four hops that each wait their turn when the machine is busy.
      60_000,
    ).then((list) => list[0]!);
  const sync = () => call(stack, 'POST', `/v1/connections/${connectionId}/sync`, { token: alice, body: {} });

  beforeAll(async () => {
    stack = await startTestStack({ env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    receiver = await startReceiver();
    admin = await tokenFor(stack, 'acme', 'admin');
    alice = await tokenFor(stack, 'acme', 'alice');
    // Reminders five minutes ahead (the shortest lead the settings allow).
    expect((await call(stack, 'PATCH', '/v1/settings', { token: admin, body: { preMeetingNotificationMinutes: 5 } })).status).toBe(200);
    const registered = await call(stack, 'POST', '/v1/webhook-endpoints', { token: admin, body: { url: receiver.url } });
    expect(registered.status).toBe(201);
    expect(registered.body.secret).toMatch(/^whsec_/);
    secret = registered.body.secret;
    stack.google.ensureAccount(email);
    ({ connectionId } = await connectThroughApi(stack, { token: alice, provider: 'google', email }));
    await eventually(
      () => call(stack, 'GET', `/v1/connections/${connectionId}`, { token: alice }),
      (r) => r.body.lastSync?.outcome === 'ok',
      'first sync',
    );
    // Calendar-side changes reach the service by push: the channel is made after the first sync, and a change
    // made before it exists would wait for the next poll.
    await eventually(
      () => stack.deps.db.pushChannel.count({ where: { connectionId, status: 'active' } }),
      (active) => active > 0,
      'push channel',
    );
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it('delivers calendar-side changes of events as event.created, event.updated and event.deleted', async () => {
    const start = minutesFromNow(30 * 60);
    const id = stack.google.seedEvent(email, {
      title: 'Planning',
      start: { kind: 'dateTime', dateTime: at(start), timeZone: 'Europe/Berlin' },
      end: { kind: 'dateTime', dateTime: at(start + HOUR), timeZone: 'Europe/Berlin' },
    });
    const created = await waitForWebhook('event.created', (data) => data.event.externalEventId === id);
    expect(created.parsed.data).toMatchObject({ direction: 'inbound', source: 'provider', event: { title: 'Planning', connectionId } });

    stack.google.updateEventAsProvider(email, id, { title: 'Planning (moved)', location: 'Room 2' });
    const updated = await waitForWebhook('event.updated', (data) => data.event.externalEventId === id);
    expect(updated.parsed.data.changedFields.sort()).toEqual(['location', 'title']);

    stack.google.deleteEventAsProvider(email, id);
    await waitForWebhook('event.deleted', (data) => data.event.externalEventId === id);
  });

  it('delivers a meeting scheduled from the CRM, and its activity follows calendar-side moves, answers and cancellation', async () => {
    const start = minutesFromNow(50 * 60);
    const scheduled = await call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, {
      token: alice,
      headers: { 'idempotency-key': key() },
      body: { title: 'Demo', start: at(start), durationMinutes: 30, attendees: [{ email: 'guest@example.org' }] },
    });
    expect(scheduled.status).toBe(201);
    const { eventId, activityId, externalEventId } = scheduled.body;
    await waitForWebhook('meeting.scheduled', (data) => data.event.eventId === eventId);

    // Moved and answered in the calendar: the activity follows both.
    const moved = start + HOUR;
    stack.google.updateEventAsProvider(email, externalEventId, {
      start: { kind: 'dateTime', dateTime: at(moved), timeZone: 'UTC' },
      end: { kind: 'dateTime', dateTime: at(moved + 30 * MINUTE), timeZone: 'UTC' },
      attendees: [{ email: 'guest@example.org', response: 'accepted' }],
    });
    await waitForWebhook('meeting.updated', (data) => data.event.eventId === eventId);
    const followed = await waitForWebhook('activity.updated', (data) => data.activityId === activityId);
    expect(followed.parsed.data).toMatchObject({
      startAt: at(moved),
      endAt: at(moved + 30 * MINUTE),
      status: 'scheduled',
      attendeeResponses: [{ email: 'guest@example.org', response: 'accepted' }],
    });
    expect(followed.parsed.data.changedFields).toEqual(expect.arrayContaining(['startAt', 'endAt', 'attendeeResponses']));
    const activity = await stack.deps.db.crmActivity.findUniqueOrThrow({ where: { id: activityId } });
    expect(activity.startAt.toISOString()).toBe(at(moved));

    // Cancelled in the calendar: meeting.cancelled, and the activity is cancelled too.
    stack.google.deleteEventAsProvider(email, externalEventId);
    await waitForWebhook('meeting.cancelled', (data) => data.event.eventId === eventId);
    await waitForWebhook('activity.updated', (data) => data.activityId === activityId && data.status === 'cancelled');
    expect((await stack.deps.db.crmActivity.findUniqueOrThrow({ where: { id: activityId } })).status).toBe('cancelled');
  });

  it('delivers reminders (also in the notifications API) and follow-up tasks', async () => {
    // A meeting inside the reminder lead: its reminder is due at once after the sync that lists it.
    const start = Date.now() + 3 * MINUTE;
    const scheduled = await call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, {
      token: alice,
      headers: { 'idempotency-key': key() },
      body: { title: 'Quick call', start: at(start), durationMinutes: 15 },
    });
    const { eventId } = scheduled.body;
    await sync();
    const reminder = await waitForWebhook('reminder.due', (data) => data.eventId === eventId);
    expect(reminder.parsed.data).toMatchObject({ leadMinutes: 5, title: 'Starting in 5 min: Quick call' });

    const unread = await call(stack, 'GET', '/v1/notifications?unread=true', { token: alice });
    const notification = unread.body.notifications.find((n: { eventId: string }) => n.eventId === eventId);
    expect(notification).toMatchObject({ type: 'calendar.pre_meeting', id: reminder.parsed.data.notificationId, readAt: null });
    const read = await call(stack, 'POST', `/v1/notifications/${notification.id}/read`, { token: alice, body: {} });
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    const stillUnread = await call(stack, 'GET', '/v1/notifications?unread=true', { token: alice });
    expect(stillUnread.body.notifications.map((n: { id: string }) => n.id)).not.toContain(notification.id);
    // Someone else's notification is not found.
    expect((await call(stack, 'POST', `/v1/notifications/${notification.id}/read`, { token: admin, body: {} })).status).toBe(404);

    const task = await call(stack, 'POST', `/v1/events/${eventId}/follow-up-tasks`, {
      token: alice,
      body: { title: 'Send the proposal', dueAt: at(Date.now() + 24 * HOUR) },
    });
    expect(task.status).toBe(201);
    expect(task.body).toMatchObject({ eventId, activityId: scheduled.body.activityId, assigneeUserId: 'alice' });
    await waitForWebhook('task.created', (data) => data.taskId === task.body.id);
    const tasks = await call(stack, 'GET', '/v1/tasks', { token: alice });
    expect(tasks.body.tasks.map((t: { id: string }) => t.id)).toContain(task.body.id);
    expect((await call(stack, 'POST', `/v1/events/${eventId}/follow-up-tasks`, { token: alice, body: { title: '' } })).status).toBe(400);
  });

  it('delivers conflicts when both sides changed an event, and their resolution', async () => {
    const conflictEmail = 'hears-conflict@example.com';
    stack.google.ensureAccount(conflictEmail);
    const start = minutesFromNow(70 * 60);
    const externalId = stack.google.seedEvent(conflictEmail, {
      title: 'Budget review',
      start: { kind: 'dateTime', dateTime: at(start), timeZone: 'UTC' },
      end: { kind: 'dateTime', dateTime: at(start + HOUR), timeZone: 'UTC' },
    });
    // No push: the calendar-side edit stays unsynced until the CRM edits the same event.
    const other = await connectWithPushStopped(stack, { token: alice, provider: 'google', email: conflictEmail });
    const row = await stack.deps.db.calendarEvent.findFirstOrThrow({
      where: { connectionId: other.connectionId, externalEventId: externalId },
    });
    stack.google.updateEventAsProvider(conflictEmail, externalId, { title: 'Budget review (calendar)' });
    const edited = await call(stack, 'PATCH', `/v1/connections/${other.connectionId}/events/${row.id}`, {
      token: alice,
      headers: { 'idempotency-key': key() },
      body: { title: 'Budget review (CRM)' },
    });
    expect(edited.status).toBe(200);
    const conflictId = edited.body.conflict.id;
    const created = await waitForWebhook('conflict.created', (data) => data.conflictId === conflictId);
    expect(created.parsed.data).toMatchObject({ eventId: row.id, policy: 'last_write_wins' });
    const resolved = await call(stack, 'POST', `/v1/conflicts/${conflictId}/resolve`, {
      token: alice,
      headers: { 'idempotency-key': key() },
      body: { choice: 'remote' },
    });
    expect(resolved.status).toBe(200);
    const report = await waitForWebhook('conflict.resolved', (data) => data.conflictId === conflictId);
    expect(report.parsed.data).toMatchObject({ choice: 'remote', resolvedBy: 'alice' });
  });

  it("delivers the end of the organization's vault migration", async () => {
    await insertLegacyConnections(stack.deps.db, { organizationId: 'acme', count: 3 });
    expect((await call(stack, 'POST', '/v1/vault-migration', { token: admin, body: {} })).status).toBe(202);
    const completed = await waitForWebhook('vault_migration.completed');
    expect(completed.parsed.data).toMatchObject({ workflowId: 'vault-migration:acme', migrated: 3, failedCount: 0 });
  });

  it('delivers connection health changes, including the recovery', async () => {
    stack.google.revokeGrants(email);
    stack.google.expireAccessTokens(email);
    await sync();
    await waitForWebhook('connection.health_changed', (data) => data.connectionId === connectionId && data.health === 'needs_reconnect');
    // The owner is told in the app as well, once.
    const alerts = (await call(stack, 'GET', '/v1/notifications', { token: alice })).body.notifications.filter(
      (notification: { type: string }) => notification.type === 'connection.needs_reconnect',
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0].title).toContain('Reconnect your Google calendar');
    // Reconnecting the same account brings it back: another health change, to active.
    const started = await call(stack, 'POST', `/v1/connections/${connectionId}/reconnect`, { token: alice, body: {} });
    const { code, state } = await stack.google.authorize(started.body.authorizationUrl, email);
    const completed = await call(stack, 'POST', '/v1/oauth/complete', { token: alice, body: { provider: 'google', code, state } });
    expect(completed.status).toBe(201);
    const recovered = await waitForWebhook(
      'connection.health_changed',
      (data) => data.connectionId === connectionId && data.health === 'active',
    );
    expect(recovered.parsed.data.previousHealth).toBe('needs_reconnect');
  });

  it('signs every delivery so an independent Standard Webhooks implementation verifies it, each with a documented body', () => {
    expect(receiver.received.length).toBeGreaterThan(8);
    for (const webhook of receiver.received) {
      expect(verifyStandardWebhook(secret, webhook)).toBe(true);
      expect(verifyStandardWebhook('whsec_' + Buffer.alloc(32, 7).toString('base64'), webhook)).toBe(false);
      const schema = CHANGE_EVENT_SCHEMAS[webhook.parsed.type as ChangeEventType];
      expect(schema).toBeDefined();
      expect(schema.safeParse(webhook.parsed.data).success).toBe(true);
      // No secrets travel: no token, no client secret.
      expect(webhook.body).not.toMatch(/ya29\.|access_token|refresh_token|client_secret/);
    }
  });

  it('serves the same stream, in the same order, from the change feed; each connection in order in the webhooks', async () => {
    const feed: Array<{ id: string; type: string }> = [];
    let after: string | undefined;
    for (;;) {
      const page = await call(stack, 'GET', `/v1/changes?limit=7${after ? `&after=${after}` : ''}`, { token: admin });
      expect(page.status).toBe(200);
      if (page.body.changes.length === 0) break;
      feed.push(...page.body.changes);
      after = page.body.nextCursor;
    }
    // The endpoint hears what happened after it was registered: every delivered id is in the feed, in order.
    const deliveredIds = [...new Set(receiver.received.map((webhook) => webhook.id))];
    const feedIds = feed.map((change) => change.id);
    const positions = deliveredIds.map((id) => feedIds.indexOf(id));
    expect(positions.every((position) => position >= 0)).toBe(true);
    const firstDelivery = new Map<string, number>();
    receiver.received.forEach((webhook, index) => firstDelivery.has(webhook.id) || firstDelivery.set(webhook.id, index));
    const connectionOrder = deliveredIds
      .filter((id) => feed[feedIds.indexOf(id)]!.type !== 'webhook_endpoint.disabled')
      .sort((a, b) => firstDelivery.get(a)! - firstDelivery.get(b)!)
      .map((id) => feedIds.indexOf(id));
    expect(connectionOrder).toEqual([...connectionOrder].sort((a, b) => a - b));

    // Without view-all, a user sees only their own connections' changes and those addressed to them.
    const bob = await tokenFor(stack, 'acme', 'bob', ['ce.calendar.view']);
    const bobs = await call(stack, 'GET', '/v1/changes', { token: bob });
    expect(bobs.body.changes.filter((change: { connectionId: string | null }) => change.connectionId === connectionId)).toEqual([]);
    expect((await call(stack, 'GET', '/v1/changes?after=bogus', { token: admin })).status).toBe(400);
  });

  it('keeps a delivery log per endpoint, admins only', async () => {
    const endpoints = await call(stack, 'GET', '/v1/webhook-endpoints', { token: admin });
    const [endpoint] = endpoints.body.endpoints;
    expect(endpoint).toMatchObject({ url: receiver.url, disabledAt: null });
    expect(JSON.stringify(endpoints.body)).not.toContain('whsec_');
    const log = await call(stack, 'GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=200`, { token: admin });
    expect(log.body.deliveries.length).toBe(new Set(receiver.received.map((webhook) => webhook.id)).size);
    expect(
      log.body.deliveries.every(
        (delivery: { status: string; lastStatusCode: number }) => delivery.status === 'delivered' && delivery.lastStatusCode === 204,
      ),
    ).toBe(true);
    const viewer = await tokenFor(stack, 'acme', 'alice', ['ce.calendar.view', 'ce.calendar.connect']);
    expect((await call(stack, 'GET', '/v1/webhook-endpoints', { token: viewer })).status).toBe(403);
  });
});
