// What Google refuses, on the real stack (the production Google adapter against the Google fake, the
// connection workflow, the API), and what the service makes of it:
// - 403 forbiddenForNonOrganizer (an invitation) and 403 requiredAccessLevel (a calendar now only readable):
//   a clear per-event error (409 with a code), nothing written on either side;
// - 403 insufficientPermissions (a scope left unticked at consent): an error for what needs that scope, not
//   a revoked grant (the connection keeps syncing with what was granted);
// - event types: birthdays and working locations are not synced; out of office, focus time and events from
//   Gmail are, and are never edited back;
// - 403 quotaExceeded: the connection shows "provider quota exhausted" and leaves Google alone for the
//   back-off, instead of retrying hot like a rate limit;
// - a refresh answer with a new refresh token: the new one is stored (the library mutates its event object).
import { call, tokenFor } from '../api/api-client';
import { recordHistoriesIfAsked } from '../helpers/histories';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';
import { connect, inHours, timed } from './fidelity-helpers';

const QUOTA_BACKOFF_SECONDS = 3600;

describe('Google refusals', () => {
  let stack: TestStack;
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack({ env: { PROVIDER_QUOTA_BACKOFF_SECONDS: String(QUOTA_BACKOFF_SECONDS) } });
    token = await tokenFor(stack, 'acme', 'gina');
  });
  afterAll(async () => {
    try {
      if (stack) await recordHistoriesIfAsked(stack, 'fidelity-google');
    } finally {
      await stack?.close();
    }
  });

  const rowOf = (connectionId: string, title: string) => stack.deps.db.calendarEvent.findFirstOrThrow({ where: { connectionId, title } });
  const historyOf = (eventId: string) => stack.deps.db.eventChange.count({ where: { eventId } });
  const edit = (connectionId: string, eventId: string, body: unknown) =>
    call(stack, 'PATCH', `/v1/connections/${connectionId}/events/${eventId}`, {
      token,
      body,
      headers: { 'idempotency-key': `edit-${eventId}-${Math.random()}` },
    });

  it('an invitation organised by someone else: 409 not_organizer, nothing written on either side', async () => {
    const email = 'invitee@example.com';
    stack.google.ensureAccount(email);
    const id = stack.google.seedEvent(email, {
      ...timed('Board meeting', 30),
      organizer: { email: 'chair@elsewhere.example' },
      attendees: [{ email, response: 'accepted' }],
    });
    const connection = await connect(stack, { token, provider: 'google', email });
    const row = await rowOf(connection.connectionId, 'Board meeting');
    const changesBefore = await historyOf(row.id);

    const answer = await edit(connection.connectionId, row.id, { title: 'My own title' });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('not_organizer');
    expect((await rowOf(connection.connectionId, 'Board meeting')).contentHash).toBe(row.contentHash);
    expect(await historyOf(row.id)).toBe(changesBefore);
    expect(stack.google.listEvents(email).find((event) => event.id === id)?.title).toBe('Board meeting');
    expect((await connection.status()).health).toBe('active');
  });

  it('a calendar the account may now only read: 409 calendar_permission_denied, nothing written', async () => {
    const email = 'demoted@example.com';
    const primary = stack.google.ensureAccount(email);
    const team = stack.google.addCalendar(email, { name: 'Team' });
    stack.google.seedEvent(email, timed('Team standup', 30), team);
    const connection = await connect(stack, { token, provider: 'google', email });
    const selected = await call(stack, 'PATCH', `/v1/connections/${connection.connectionId}/calendars`, {
      token,
      body: { sync: [primary, team], writeTarget: team },
    });
    expect(selected.status).toBe(200);
    await connection.sync();
    const row = await rowOf(connection.connectionId, 'Team standup');

    stack.google.setCalendarAccess(email, team, 'reader');
    const answer = await edit(connection.connectionId, row.id, { title: 'Moved standup' });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('calendar_permission_denied');
    expect((await rowOf(connection.connectionId, 'Team standup')).title).toBe('Team standup');
    expect(stack.google.listEvents(email, team)[0]?.title).toBe('Team standup');
  });

  it('a scope left unticked: scheduling answers 409 insufficient_permissions, the connection keeps syncing', async () => {
    const email = 'granular@example.com';
    stack.google.ensureAccount(email);
    const connection = await connect(stack, { token, provider: 'google', email });
    // The account granted only read access (granular consent): writes need calendar.events.
    stack.google.setGrantedScopes(email, ['https://www.googleapis.com/auth/calendar.readonly', 'openid', 'email']);

    const answer = await call(stack, 'POST', `/v1/connections/${connection.connectionId}/meetings`, {
      token,
      body: { title: 'Needs write access', start: inHours(48), durationMinutes: 30 },
      headers: { 'idempotency-key': 'granular-meeting' },
    });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('insufficient_permissions');

    stack.google.seedEvent(email, timed('Read still works', 60));
    const status = await connection.sync();
    expect(status.health).toBe('active');
    expect(status.lastSync?.outcome).toBe('ok');
    expect((await connection.view()).status).not.toBe('needs_reconnect');
    await rowOf(connection.connectionId, 'Read still works');
  });

  it('event types: birthdays and working locations stay out; out of office, focus time, Gmail events are busy, read-only', async () => {
    const email = 'types@example.com';
    stack.google.ensureAccount(email);
    const day = inHours(24 * 10).slice(0, 10);
    const nextDay = inHours(24 * 11).slice(0, 10);
    stack.google.seedEvents(email, [
      timed('Plain meeting', 30),
      { ...timed('Vacation', 40), eventType: 'outOfOffice' },
      { ...timed('Deep work', 50), eventType: 'focusTime' },
      { ...timed('Flight to Berlin', 60), eventType: 'fromGmail' },
      {
        title: "Ada's birthday",
        start: { kind: 'date', date: day },
        end: { kind: 'date', date: nextDay },
        recurrence: ['RRULE:FREQ=YEARLY'],
        eventType: 'birthday',
      },
      { title: 'Office', start: { kind: 'date', date: day }, end: { kind: 'date', date: nextDay }, eventType: 'workingLocation' },
    ]);
    const connection = await connect(stack, { token, provider: 'google', email });
    const rows = await stack.deps.db.calendarEvent.findMany({ where: { connectionId: connection.connectionId } });
    expect(Object.fromEntries(rows.map((row) => [row.title, row.eventType]))).toEqual({
      'Plain meeting': null,
      Vacation: 'outOfOffice',
      'Deep work': 'focusTime',
      'Flight to Berlin': 'fromGmail',
    });

    stack.google.clearRequests();
    for (const title of ['Vacation', 'Deep work', 'Flight to Berlin']) {
      const row = rows.find((one) => one.title === title)!;
      const answer = await edit(connection.connectionId, row.id, { title: `${title} (moved)` });
      expect({ title, status: answer.status, code: answer.body.error.code }).toEqual({ title, status: 409, code: 'read_only_event' });
    }
    // Never written back: not one event write reached Google (push channel set-up aside).
    const writes = stack.google.requests().filter((request) => request.method !== 'GET' && !/\/watch$|\/channels\//.test(request.path));
    expect(writes).toEqual([]);
  });

  it('403 quotaExceeded: "provider quota exhausted", and no call to Google for the back-off', async () => {
    const email = 'quota@example.com';
    stack.google.ensureAccount(email);
    const connection = await connect(stack, { token, provider: 'google', email });
    stack.google.setUsageLimitExceeded(email, true);
    const before = Date.now();
    const status = await connection.sync();
    expect(status.lastError).toMatchObject({ code: 'quota_exhausted', message: 'provider quota exhausted' });
    expect(status.health).toBe('error');
    // The next sync waits the back-off, not a poll interval (15 minutes here too: the back-off is longer)...
    expect(Date.parse(status.nextSyncAt!)).toBeGreaterThanOrEqual(before + (QUOTA_BACKOFF_SECONDS - 5) * 1000);
    const view = await connection.view();
    expect(view.lastError.code).toBe('quota_exhausted');

    // ...and even an explicit sync request does not reach Google while the account is blocked.
    stack.google.clearRequests();
    const again = await connection.sync();
    expect(again.lastError?.code).toBe('quota_exhausted');
    const toGoogle = stack.google
      .requests()
      .filter((request) => request.path.includes(encodeURIComponent(email)) || request.path.includes(email));
    expect(toGoogle).toEqual([]);
    // The activity was not retried hot: one attempt per sync.
    const blocked = await stack.deps.db.providerBudgetBucket.findFirstOrThrow({ where: { key: { contains: email } } });
    expect(blocked.blockedReason).toBe('quota_exhausted');
    expect(blocked.blockedUntilMs! - before).toBeGreaterThanOrEqual((QUOTA_BACKOFF_SECONDS - 5) * 1000);
  });

  it('403 rateLimitExceeded is retried with back-off and the sync completes', async () => {
    const email = 'ratelimit@example.com';
    stack.google.ensureAccount(email);
    const connection = await connect(stack, { token, provider: 'google', email });
    stack.google.injectFault({
      kind: 'rate_limit',
      rateLimitStatus: 403,
      rateLimitReason: 'rateLimitExceeded',
      count: 2,
      pathIncludes: '/events',
    });
    stack.google.seedEvent(email, timed('After the rate limit', 30));
    await waitFor(
      () => connection.sync(),
      (s) => s.lastSync?.outcome === 'ok' && s.health === 'active',
      { what: 'a sync through the rate limit', timeoutMs: 90_000 },
    );
    await rowOf(connection.connectionId, 'After the rate limit');
  });

  it('a refresh answer carrying a new refresh token: the new one is stored and used next time', async () => {
    const email = 'rotation@example.com';
    stack.google.ensureAccount(email);
    const connection = await connect(stack, { token, provider: 'google', email });
    stack.google.setRefreshTokenRotation(true);
    try {
      for (const round of [1, 2, 3]) {
        stack.google.expireAccessTokens(email);
        stack.google.seedEvent(email, timed(`After refresh ${round}`, 30 + round));
        const status = await connection.sync();
        expect({ round, health: status.health, outcome: status.lastSync?.outcome }).toEqual({ round, health: 'active', outcome: 'ok' });
      }
    } finally {
      stack.google.setRefreshTokenRotation(false);
    }
    await rowOf(connection.connectionId, 'After refresh 3');
  });
});
