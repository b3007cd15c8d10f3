// What Microsoft Graph does that the Graph fake now does too, on the real stack (the production Microsoft
// adapter, the connection workflow, the API):
// - If-Match carries the @odata.etag (W/"..."): conditional writes go through; a bare changeKey is refused;
// - lifecycle notifications: reauthorizationRequired renews, subscriptionRemoved recreates, missed syncs;
// - delta reports @removed also for events added or updated OUTSIDE the window: the right result, asked in
//   $batch requests instead of one GET per entry;
// - zone names no table knows (display names, legacy custom zones) resolve from the event's own clues;
// - all-day series east and west of UTC keep their occurrence dates (originalStart is midnight in the
//   series' zone, in UTC);
// - getSchedule is not supported for personal accounts: free/busy falls back to the calendar view.
import { call, tokenFor } from '../api/api-client';
import { recordHistoriesIfAsked } from '../helpers/histories';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';
import { connect, inHours, timed } from './fidelity-helpers';

const DAY = 86_400_000;

describe('Microsoft Graph fidelity', () => {
  let stack: TestStack;
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack();
    token = await tokenFor(stack, 'acme', 'mia');
  });
  afterAll(async () => {
    try {
      if (stack) await recordHistoriesIfAsked(stack, 'fidelity-graph');
    } finally {
      await stack?.close();
    }
  });

  const rows = (connectionId: string) => stack.deps.db.calendarEvent.findMany({ where: { connectionId } });
  const live = async (connectionId: string) => (await rows(connectionId)).filter((row) => row.status !== 'cancelled');
  const subscriptionsOf = (email: string) => stack.microsoft.listPushChannels(email);
  /** The subscription, once the service has stored it too (a notification for it is recognised from then on). */
  const withPush = async (email: string) => {
    const [subscription] = await waitFor(
      () => subscriptionsOf(email),
      (list) => list.length === 1,
      { what: 'the subscription' },
    );
    await waitFor(
      () => stack.deps.db.pushChannel.count({ where: { providerChannelId: subscription!.id, status: 'active' } }),
      (count) => count === 1,
      { what: 'the stored subscription' },
    );
    return [subscription];
  };
  /** A change made in Outlook reaches the CRM by push alone (the poll interval is 15 minutes). */
  const arrivesByPush = (connectionId: string, title: string) =>
    waitFor(
      () => live(connectionId),
      (list) => list.some((row) => row.title === title),
      { what: `"${title}" by push`, timeoutMs: 20_000 },
    );

  it('edits send the @odata.etag in If-Match (a bare changeKey is refused) and go through', async () => {
    const email = 'etag@example.com';
    stack.microsoft.ensureAccount(email);
    const id = stack.microsoft.seedEvent(email, timed('Planning', 30));
    const connection = await connect(stack, { token, provider: 'microsoft', email });
    const row = (await live(connection.connectionId)).find((one) => one.title === 'Planning')!;
    expect(row.etag).toMatch(/^W\/".+"$/);
    const answer = await call(stack, 'PATCH', `/v1/connections/${connection.connectionId}/events/${row.id}`, {
      token,
      body: { title: 'Planning (moved)' },
      headers: { 'idempotency-key': 'etag-edit' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.conflict ?? null).toBeNull();
    expect(stack.microsoft.listEvents(email).find((event) => event.id === id)?.title).toBe('Planning (moved)');
    // The write was conditional and matched the first time: one PATCH, no 412.
    const patches = stack.microsoft.requests().filter((request) => request.method === 'PATCH' && request.path.includes('/me/events/'));
    expect(patches.map((request) => request.status)).toEqual([200]);
  });

  it('reauthorizationRequired: the subscription is renewed at once and notifications keep coming', async () => {
    const email = 'reauth@example.com';
    stack.microsoft.ensureAccount(email);
    const connection = await connect(stack, { token, provider: 'microsoft', email });
    const [before] = await withPush(email);
    expect(stack.microsoft.sendLifecycleNotification(before!.id, 'reauthorizationRequired')).toBe(true);
    await waitFor(
      () => subscriptionsOf(email),
      (list) => list.length === 1 && list[0]!.expiresAt.getTime() > before!.expiresAt.getTime(),
      { what: 'the renewed subscription' },
    );
    // Graph withholds notifications of a subscription that needs reauthorization: these arrive, so it was renewed.
    stack.microsoft.seedEvent(email, timed('After reauthorization', 30));
    await arrivesByPush(connection.connectionId, 'After reauthorization');
  });

  it('subscriptionRemoved: a new subscription is created at once', async () => {
    const email = 'removed@example.com';
    stack.microsoft.ensureAccount(email);
    const connection = await connect(stack, { token, provider: 'microsoft', email });
    const [before] = await withPush(email);
    stack.microsoft.sendLifecycleNotification(before!.id, 'subscriptionRemoved');
    const [after] = await waitFor(
      () => subscriptionsOf(email),
      (list) => list.length === 1 && list[0]!.id !== before!.id,
      { what: 'a new subscription' },
    );
    const stored = await stack.deps.db.pushChannel.findMany({ where: { connectionId: connection.connectionId, status: 'active' } });
    expect(stored.map((channel) => channel.providerChannelId)).toEqual([after!.id]);
    stack.microsoft.seedEvent(email, timed('After removal', 30));
    await arrivesByPush(connection.connectionId, 'After removal');
  });

  it('missed: the notifications Graph dropped are made up by a sync', async () => {
    const email = 'missed@example.com';
    stack.microsoft.ensureAccount(email);
    const connection = await connect(stack, { token, provider: 'microsoft', email });
    const [subscription] = await withPush(email);
    stack.microsoft.setNotificationsDropped(email, true);
    stack.microsoft.seedEvent(email, timed('Dropped notification', 30));
    stack.microsoft.setNotificationsDropped(email, false);
    stack.microsoft.sendLifecycleNotification(subscription!.id, 'missed');
    await arrivesByPush(connection.connectionId, 'Dropped notification');
  });

  it('delta @removed for events added or changed outside the window: the right result, in $batch requests', async () => {
    const email = 'outside@example.com';
    stack.microsoft.ensureAccount(email);
    const [keep, drop] = stack.microsoft.seedEvents(email, [timed('Keep me', 30), timed('Delete me', 31)]);
    const connection = await connect(stack, { token, provider: 'microsoft', email });
    const moved = stack.microsoft.seedEvent(email, timed('Moves out of the window', 32));
    await connection.sync();

    // Far beyond the sync window (a year ahead): Graph reports every one of these as @removed.
    const far = (n: number) => timed(`Far ${n}`, 24 * 400 + n);
    const farIds = stack.microsoft.seedEvents(
      email,
      Array.from({ length: 30 }, (_, n) => far(n)),
    );
    for (const id of farIds.slice(0, 10)) stack.microsoft.updateEventAsProvider(email, id, { title: 'Far, renamed' });
    stack.microsoft.deleteEventAsProvider(email, drop!);
    stack.microsoft.updateEventAsProvider(email, moved, {
      start: { kind: 'dateTime', dateTime: inHours(24 * 500), timeZone: 'UTC' },
      end: { kind: 'dateTime', dateTime: inHours(24 * 500 + 1), timeZone: 'UTC' },
    });
    stack.microsoft.clearRequests();
    const status = await connection.sync();
    expect(status.lastSync?.outcome).toBe('ok');

    const byId = new Map((await rows(connection.connectionId)).map((row) => [row.externalEventId, row]));
    expect(byId.get(keep!)?.status).toBe('confirmed');
    expect(byId.get(drop!)?.status).toBe('cancelled');
    // Moved out of the window is not a deletion.
    expect(byId.get(moved)?.status).toBe('confirmed');
    for (const id of farIds) expect(byId.has(id)).toBe(false);
    // No GET per @removed entry: a handful of $batch requests (20 entries each) instead of 32 GETs.
    const requests = stack.microsoft.requests();
    expect(requests.filter((request) => request.method === 'GET' && /\/me\/events\/[^/]+$/.test(request.path))).toEqual([]);
    const batches = requests.filter((request) => request.path.endsWith('/$batch'));
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.length).toBeLessThanOrEqual(3);
  });

  it('zone names no table knows resolve from the event itself, never silently to UTC', async () => {
    const email = 'zones@example.com';
    stack.microsoft.ensureAccount(email);
    stack.microsoft.seedEvents(email, [
      { ...timed('Display-name zone', 30, 'Asia/Kolkata'), reportedZoneName: '(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi' },
      { ...timed('Offset zone', 31, 'Asia/Dubai'), reportedZoneName: 'UTC+04:00' },
      {
        ...timed('Custom-zone series', 32, 'Europe/Berlin'),
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
        reportedZoneName: 'tzone://Microsoft/Custom',
      },
    ]);
    const connection = await connect(stack, { token, provider: 'microsoft', email });
    const zones = Object.fromEntries(
      (await live(connection.connectionId)).filter((row) => row.eventKind !== 'occurrence').map((row) => [row.title, row.timeZone]),
    );
    expect(zones).toEqual({
      'Display-name zone': 'Asia/Kolkata',
      'Offset zone': 'Etc/GMT-4',
      // The legacy custom zone has no rules in Graph: the series' own recurrence zone says where it runs.
      'Custom-zone series': 'Europe/Berlin',
    });
  });

  it.each([
    ['east of UTC', 'Asia/Tokyo'],
    ['west of UTC', 'America/Los_Angeles'],
  ])('all-day series %s: every occurrence keeps its date', async (_where, zone) => {
    const email = `allday-${zone.replace('/', '-').toLowerCase()}@example.com`;
    stack.microsoft.ensureAccount(email);
    stack.microsoft.setMailboxTimeZone(email, zone);
    const first = new Date(Date.now() + 10 * DAY).toISOString().slice(0, 10);
    const next = (days: number) => new Date(Date.parse(`${first}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
    stack.microsoft.seedEvent(email, {
      title: 'Offsite days',
      start: { kind: 'date', date: first },
      end: { kind: 'date', date: next(1) },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
    });
    const connection = await connect(stack, { token, provider: 'microsoft', email });
    const occurrences = (await live(connection.connectionId)).filter((row) => row.eventKind === 'occurrence');
    expect(occurrences.map((row) => row.originalStartAt!.toISOString().slice(0, 10)).sort()).toEqual([first, next(7), next(14)]);
    expect(occurrences.map((row) => row.startDate).sort()).toEqual([first, next(7), next(14)]);
  });

  it('a personal account: free/busy comes from the calendar view (getSchedule is not supported)', async () => {
    const email = 'personal@outlook.example';
    stack.microsoft.ensureAccount(email);
    stack.microsoft.setPersonalAccount(email, true);
    stack.microsoft.seedEvent(email, timed('Dentist', 30));
    const freeBusyToken = await tokenFor(stack, 'acme', 'paul');
    await connect(stack, { token: freeBusyToken, provider: 'microsoft', email });
    const answer = await call(stack, 'POST', '/v1/freebusy', {
      token: freeBusyToken,
      body: { userIds: ['paul'], from: inHours(24), to: inHours(24 * 10) },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.users[0].errors).toEqual([]);
    expect(answer.body.users[0].busy).toEqual([{ start: inHours(30), end: inHours(31) }]);
  });
});
