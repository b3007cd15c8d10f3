// Meetings, events, free/busy, settings and the rate limit through the API on the real stack.
import { PERMISSIONS } from '../../api/auth/permissions';
import { createApp } from '../../api/app';
import { startTestStack, type TestStack } from '../helpers/stack';
import { call, connectThroughApi, eventually, rowCounts, tokenFor } from './api-client';
import http from 'node:http';

const HOUR = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

describe('API: meetings, events, free/busy, settings', () => {
  let stack: TestStack;
  let alice: string;
  let connectionId: string;
  const email = 'alice-meetings@example.com';

  beforeAll(async () => {
    stack = await startTestStack();
    alice = await tokenFor(stack, 'acme', 'alice');
    stack.google.ensureAccount(email);
    stack.google.seedEvents(email, [
      {
        title: 'Busy A',
        start: { kind: 'dateTime', dateTime: inHours(24), timeZone: 'UTC' },
        end: { kind: 'dateTime', dateTime: inHours(26), timeZone: 'UTC' },
        attendees: [{ email: 'guest@example.org', response: 'accepted' }],
      },
      {
        title: 'Busy B',
        start: { kind: 'dateTime', dateTime: inHours(25), timeZone: 'UTC' },
        end: { kind: 'dateTime', dateTime: inHours(27), timeZone: 'UTC' },
      },
      {
        title: 'Busy C',
        start: { kind: 'dateTime', dateTime: inHours(30), timeZone: 'UTC' },
        end: { kind: 'dateTime', dateTime: inHours(31), timeZone: 'UTC' },
      },
    ]);
    ({ connectionId } = await connectThroughApi(stack, { token: alice, provider: 'google', email }));
    await eventually(
      () => call(stack, 'GET', `/v1/connections/${connectionId}`, { token: alice }),
      (r) => r.body.lastSync?.outcome === 'ok',
      'first sync',
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  const meeting = (hours: number) => ({
    title: 'Demo call',
    start: inHours(hours),
    durationMinutes: 45,
    timeZone: 'Europe/Berlin',
    attendees: [{ email: 'buyer@example.org' }],
  });

  describe('meetings', () => {
    it('schedules once per Idempotency-Key, reschedules and cancels', async () => {
      const headers = { 'idempotency-key': 'schedule-key-0001' };
      // A retry is the same request again (the key is bound to it).
      const body = meeting(48);
      const first = await call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, { token: alice, body, headers });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ durationMinutes: 45, calendarId: expect.any(String), activityId: expect.any(String) });
      const retry = await call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, { token: alice, body, headers });
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(stack.google.listEvents(email).filter((event) => event.title === 'Demo call')).toHaveLength(1);

      const moved = await call(stack, 'PATCH', `/v1/connections/${connectionId}/meetings/${first.body.eventId}`, {
        token: alice,
        body: { start: inHours(50) },
        headers: { 'idempotency-key': 'reschedule-key-0001' },
      });
      expect(moved.status).toBe(200);
      expect(Date.parse(moved.body.start)).toBeGreaterThan(Date.parse(first.body.start));

      // The activity timeline shows the meeting's CRM activity linked to its calendar event, which reads alone.
      const timeline = await call(stack, 'GET', '/v1/activities', { token: alice });
      expect(timeline.status).toBe(200);
      const activity = timeline.body.activities.find((a: any) => a.id === first.body.activityId);
      expect(activity).toMatchObject({
        ownerUserId: 'alice',
        type: 'meeting',
        subject: 'Demo call',
        start: moved.body.start,
        calendarEvent: { eventId: first.body.eventId, connectionId, provider: 'google' },
      });
      const one = await call(stack, 'GET', `/v1/connections/${connectionId}/events/${first.body.eventId}`, { token: alice });
      expect(one.body).toMatchObject({ id: first.body.eventId, title: 'Demo call', direction: 'outbound', activityId: activity.id });
      // Someone else's: not without view-all (the timeline is empty for them, the event a 404).
      const bob = await tokenFor(stack, 'acme', 'bob', [PERMISSIONS.view]);
      expect((await call(stack, 'GET', '/v1/activities', { token: bob })).body.activities).toEqual([]);
      expect((await call(stack, 'GET', '/v1/activities?userId=alice', { token: bob })).status).toBe(403);
      expect((await call(stack, 'GET', `/v1/connections/${connectionId}/events/${first.body.eventId}`, { token: bob })).status).toBe(404);
      const bobAll = await tokenFor(stack, 'acme', 'bob', [PERMISSIONS.view, PERMISSIONS.viewAll]);
      const orgTimeline = await call(stack, 'GET', '/v1/activities?userId=alice', { token: bobAll });
      expect(orgTimeline.body.activities.map((a: any) => a.id)).toContain(activity.id);

      const cancelled = await call(stack, 'DELETE', `/v1/connections/${connectionId}/meetings/${first.body.eventId}`, {
        token: alice,
        headers: { 'idempotency-key': 'cancel-key-00001' },
      });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toEqual({ eventId: first.body.eventId, cancelled: true });
      const again = await call(stack, 'PATCH', `/v1/connections/${connectionId}/meetings/${first.body.eventId}`, {
        token: alice,
        body: { title: 'too late' },
        headers: { 'idempotency-key': 'reschedule-key-0002' },
      });
      expect(again.status).toBe(404);
    });

    it('rejects bad input with 400 naming the field, and changes nothing', async () => {
      const before = await rowCounts(stack);
      const noKey = await call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, { token: alice, body: meeting(60) });
      expect(noKey.status).toBe(400);
      expect(noKey.body.error.details[0].field).toBe('headers.idempotency-key');
      const tooLong = await call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, {
        token: alice,
        body: { ...meeting(60), durationMinutes: 600 },
        headers: { 'idempotency-key': 'bad-input-0001' },
      });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.message).toBe('body.durationMinutes: must be a whole number of minutes from 15 to 480');
      const unknownField = await call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, {
        token: alice,
        body: { ...meeting(60), color: 'red' },
        headers: { 'idempotency-key': 'bad-input-0002' },
      });
      expect(unknownField.status).toBe(400);
      const badZone = await call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, {
        token: alice,
        body: { ...meeting(60), timeZone: 'Mars/Olympus' },
        headers: { 'idempotency-key': 'bad-input-0003' },
      });
      expect(badZone.body.error.details[0].field).toBe('body.timeZone');
      const emptyChange = await call(stack, 'PATCH', `/v1/connections/${connectionId}/meetings/00000000-0000-4000-8000-000000000000`, {
        token: alice,
        body: {},
        headers: { 'idempotency-key': 'bad-input-0004' },
      });
      expect(emptyChange.status).toBe(400);
      const missing = await call(stack, 'DELETE', `/v1/connections/${connectionId}/meetings/00000000-0000-4000-8000-000000000000`, {
        token: alice,
        headers: { 'idempotency-key': 'bad-input-0005' },
      });
      expect(missing.status).toBe(404);
      expect(await rowCounts(stack)).toEqual(before);
    });

    it('answers 409 reconnect_required once the grant is revoked', async () => {
      const revokedEmail = 'revoked-meetings@example.com';
      const { connectionId: revoked } = await connectThroughApi(stack, { token: alice, provider: 'microsoft', email: revokedEmail });
      await eventually(
        () => call(stack, 'GET', `/v1/connections/${revoked}`, { token: alice }),
        (r) => r.body.lastSync?.outcome === 'ok',
        'first sync',
      );
      stack.microsoft.revokeGrants(revokedEmail);
      stack.microsoft.expireAccessTokens(revokedEmail);
      const response = await call(stack, 'POST', `/v1/connections/${revoked}/meetings`, {
        token: alice,
        body: meeting(70),
        headers: { 'idempotency-key': 'revoked-key-0001' },
      });
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('reconnect_required');
      const listed = await eventually(
        () => call(stack, 'GET', `/v1/connections/${revoked}`, { token: alice }),
        (r) => r.body.status === 'needs_reconnect',
        'needs_reconnect',
      );
      expect(listed.body.health).toBe('needs_reconnect');
    });
  });

  describe('events', () => {
    it("pages through a connection's events with an opaque cursor", async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `limit=1${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await call(stack, 'GET', `/v1/connections/${connectionId}/events?${query}`, { token: alice });
        expect(page.status).toBe(200);
        expect(page.body.events.length).toBeLessThanOrEqual(1);
        seen.push(...page.body.events.map((event: { title: string }) => event.title));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expect.arrayContaining(['Busy A', 'Busy B', 'Busy C']));
      const all = await call(stack, 'GET', `/v1/connections/${connectionId}/events?limit=500`, { token: alice });
      expect(all.body.events.find((e: any) => e.title === 'Busy A').attendees).toEqual([
        expect.objectContaining({ email: 'guest@example.org' }),
      ]);
    });

    it('filters by window and direction, and rejects bad queries', async () => {
      const window = await call(
        stack,
        'GET',
        `/v1/connections/${connectionId}/events?from=${encodeURIComponent(inHours(29))}&to=${encodeURIComponent(inHours(40))}`,
        { token: alice },
      );
      expect(window.body.events.map((e: any) => e.title)).toEqual(['Busy C']);
      const outbound = await call(stack, 'GET', `/v1/connections/${connectionId}/events?direction=outbound`, { token: alice });
      expect(outbound.body.events.every((e: any) => e.direction === 'outbound')).toBe(true);
      for (const query of [
        'limit=0',
        'limit=501',
        'limit=abc',
        'cursor=not-a-cursor',
        'direction=sideways',
        'from=yesterday',
        'color=red',
        'limit=1&limit=2',
      ]) {
        const response = await call(stack, 'GET', `/v1/connections/${connectionId}/events?${query}`, { token: alice });
        expect([query, response.status]).toEqual([query, 400]);
      }
    });

    it('GET /v1/events: own connections only without view-all; the org (attendees withheld) with it', async () => {
      const bobView = await tokenFor(stack, 'acme', 'bob', [PERMISSIONS.view]);
      const bobAll = await tokenFor(stack, 'acme', 'bob', [PERMISSIONS.view, PERMISSIONS.viewAll]);
      expect((await call(stack, 'GET', '/v1/events', { token: bobView })).body.events).toEqual([]);
      expect((await call(stack, 'GET', '/v1/events?userId=alice', { token: bobView })).status).toBe(403);
      const all = await call(stack, 'GET', '/v1/events?userId=alice&limit=500', { token: bobAll });
      const busyA = all.body.events.find((e: any) => e.title === 'Busy A');
      expect(busyA).toMatchObject({ userId: 'alice', attendees: null });
      expect(all.text).not.toContain('guest@example.org');
      const viaConnection = await call(stack, 'GET', `/v1/connections/${connectionId}/events`, { token: bobAll });
      expect(viaConnection.status).toBe(200);
      expect((await call(stack, 'GET', `/v1/connections/${connectionId}/events`, { token: bobView })).status).toBe(404);
    });
  });

  describe('free/busy', () => {
    it('merges overlapping busy blocks per user and lists users without calendars empty', async () => {
      const response = await call(stack, 'POST', '/v1/freebusy', {
        token: alice,
        body: { userIds: ['alice', 'nobody'], from: inHours(20), to: inHours(40) },
      });
      expect(response.status).toBe(200);
      const aliceBusy = response.body.users.find((u: any) => u.userId === 'alice');
      expect(aliceBusy.errors).toEqual([]);
      const spans = aliceBusy.busy.map((b: any) => Math.round((Date.parse(b.end) - Date.parse(b.start)) / HOUR));
      expect(spans).toEqual(expect.arrayContaining([3, 1])); // A+B merged into 3 hours, C alone
      expect(response.body.users.find((u: any) => u.userId === 'nobody')).toEqual({ userId: 'nobody', busy: [], errors: [], sources: [] });
      expect(response.body.emails).toEqual([]);
    });

    it('answers for attendee addresses too: a connected calendar account by its address, in request order', async () => {
      const byEmail = await call(stack, 'POST', '/v1/freebusy', {
        token: alice,
        body: { emails: ['stranger@example.org', email.toUpperCase()], from: inHours(20), to: inHours(40) },
      });
      expect(byEmail.status).toBe(200);
      expect(byEmail.body.users).toEqual([]);
      const [stranger, own] = byEmail.body.emails;
      expect(stranger).toEqual({ connected: false, busy: [], errors: [], sources: [] });
      expect(own).toMatchObject({ connected: true, errors: [] });
      expect(own.busy.map((b: any) => Math.round((Date.parse(b.end) - Date.parse(b.start)) / HOUR))).toEqual(
        expect.arrayContaining([3, 1]),
      );
      // The addresses are not echoed back.
      expect(byEmail.text).not.toContain('stranger@example.org');
      const neither = await call(stack, 'POST', '/v1/freebusy', { token: alice, body: { from: inHours(20), to: inHours(40) } });
      expect(neither.status).toBe(400);
      expect(neither.body.error.details[0].field).toBe('body.userIds');
    });

    it('reports a calendar that cannot answer per user', async () => {
      stack.google.injectFault({ kind: 'server_error', pathIncludes: 'freeBusy', count: 10 });
      try {
        // A window past what sync keeps is asked at the provider (nearer ones are answered from fresh rows).
        const response = await call(stack, 'POST', '/v1/freebusy', {
          token: alice,
          body: { userIds: ['alice'], from: inHours(400 * 24), to: inHours(400 * 24 + 20) },
        });
        expect(response.status).toBe(200);
        expect(response.body.users[0].errors).toEqual([expect.objectContaining({ connectionId, code: expect.any(String) })]);
      } finally {
        stack.google.clearFaults();
      }
    });

    it('bounds the window and the number of users', async () => {
      const tooLong = await call(stack, 'POST', '/v1/freebusy', {
        token: alice,
        body: { userIds: ['alice'], from: inHours(0), to: inHours(63 * 24) },
      });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.message).toContain('62 days');
      const tooMany = await call(stack, 'POST', '/v1/freebusy', {
        token: alice,
        body: { userIds: Array.from({ length: 51 }, (_, i) => `u${i}`), from: inHours(0), to: inHours(1) },
      });
      expect(tooMany.status).toBe(400);
      const backwards = await call(stack, 'POST', '/v1/freebusy', {
        token: alice,
        body: { userIds: ['alice'], from: inHours(2), to: inHours(1) },
      });
      expect(backwards.status).toBe(400);
    });
  });

  describe('settings', () => {
    it('reads defaults, changes within range (admin only), rejects out-of-range with the range', async () => {
      const viewer = await tokenFor(stack, 'acme', 'carol', [PERMISSIONS.view]);
      const read = await call(stack, 'GET', '/v1/settings', { token: viewer });
      expect(read.body).toMatchObject({
        defaultMeetingDurationMinutes: 30,
        syncPollIntervalMinutes: 15,
        preMeetingNotificationMinutes: 15,
        // What a form shows next to each field.
        ranges: { syncPollIntervalMinutes: { min: 5, max: 60, default: 15 }, preMeetingNotificationMinutes: { min: 5, max: 1440 } },
      });
      expect((await call(stack, 'PATCH', '/v1/settings', { token: viewer, body: { syncPollIntervalMinutes: 10 } })).status).toBe(403);
      const bad = await call(stack, 'PATCH', '/v1/settings', { token: alice, body: { syncPollIntervalMinutes: 61 } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe('body.syncPollIntervalMinutes: must be a whole number of minutes from 5 to 60');
      expect((await call(stack, 'PATCH', '/v1/settings', { token: alice, body: {} })).status).toBe(400);
      const changed = await call(stack, 'PATCH', '/v1/settings', { token: alice, body: { defaultMeetingDurationMinutes: 60 } });
      expect(changed.status).toBe(200);
      expect(changed.body.defaultMeetingDurationMinutes).toBe(60);
      // The workflows reload: a meeting without a duration now lasts 60 minutes.
      const scheduled = await eventually(
        async () => {
          const { durationMinutes: _d, ...rest } = meeting(80);
          return call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, {
            token: alice,
            body: rest,
            headers: { 'idempotency-key': `default-duration-${Date.now()}` },
          });
        },
        (r) => r.body?.durationMinutes === 60,
        'new default duration',
      );
      expect(scheduled.status).toBe(201);
      const otherOrg = await call(stack, 'GET', '/v1/settings', { token: await tokenFor(stack, 'globex', 'gina') });
      expect(otherOrg.body.defaultMeetingDurationMinutes).toBe(30);
    });
  });

  it('rate limits per token with 429 and Retry-After', async () => {
    // An app of its own with a tiny limit (same database, Temporal and signing key as the stack).
    const app = await createApp({
      ...stack.deps,
      config: { ...stack.deps.config, API_RATE_LIMIT_PER_MINUTE: 3 },
      temporal: stack.temporal,
    });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const get = (token: string) => fetch(`http://127.0.0.1:${port}/v1/providers`, { headers: { authorization: `Bearer ${token}` } });
      const bob = await tokenFor(stack, 'acme', 'bob');
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await get(alice)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await get(alice);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
      // Another user has a budget of their own.
      expect((await get(bob)).status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
