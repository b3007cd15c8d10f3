// The Google fake's wire protocol, checked with plain HTTP: the shapes, statuses and headers the real
// Google documents (and the official clients depend on).

import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { startGoogleFake, type GoogleFake } from '../../fakes/google';

const CLIENT = { clientId: 'wire-test.apps.googleusercontent.com', clientSecret: 'wire-secret' };
const REDIRECT = 'http://127.0.0.1:9/callback';

let fake: GoogleFake;
beforeAll(async () => {
  fake = await startGoogleFake({ allowLoopbackHttp: true });
  fake.registerClient(CLIENT.clientId, CLIENT.clientSecret);
});
afterAll(() => fake.close());
afterEach(() => fake.clearFaults());

function authorizeUrl(params: Record<string, string>): string {
  const url = new URL(fake.endpoints.authorizeUrl);
  for (const [key, value] of Object.entries({
    response_type: 'code',
    client_id: CLIENT.clientId,
    redirect_uri: REDIRECT,
    scope: 'openid email https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.readonly',
    ...params,
  })) {
    url.searchParams.set(key, value);
  }
  return url.toString();
}

async function tokenFor(email: string): Promise<{ access_token: string; refresh_token: string }> {
  const verifier = randomBytes(40).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const { code } = await fake.authorize(authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256', state: 'x' }), email);
  const response = await fetch(fake.endpoints.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; refresh_token: string };
}

async function api(token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${fake.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

const events = (email: string) => `/calendar/v3/calendars/${encodeURIComponent(email)}/events`;
const timed = (iso: string, hours = 1) => ({
  start: { dateTime: iso, timeZone: 'Europe/Berlin' },
  end: { dateTime: new Date(Date.parse(iso) + hours * 3_600_000).toISOString(), timeZone: 'Europe/Berlin' },
});

describe('Google fake: OAuth', () => {
  it('redirects with the code and state, and rejects a non-S256 challenge and unknown clients', async () => {
    const ok = await fetch(
      authorizeUrl({ login_hint: 'wire-a@example.com', state: 'st', code_challenge: 'abc', code_challenge_method: 'S256' }),
      { redirect: 'manual' },
    );
    expect(ok.status).toBe(302);
    const location = new URL(ok.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('st');
    expect(location.searchParams.get('code')).toEqual(expect.any(String));

    const plain = await fetch(authorizeUrl({ login_hint: 'wire-a@example.com', code_challenge: 'abc', code_challenge_method: 'plain' }), {
      redirect: 'manual',
    });
    expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const unknown = await fetch(authorizeUrl({ client_id: 'nope', login_hint: 'wire-a@example.com' }), { redirect: 'manual' });
    expect(unknown.status).toBe(401);
    const form = await fetch(authorizeUrl({}), { redirect: 'manual' });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('login_hint');
  });

  it('answers token errors with Google bodies and never rotates refresh tokens', async () => {
    const tokens = await tokenFor('wire-b@example.com');
    const post = (body: Record<string, string>) =>
      fetch(fake.endpoints.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body),
      });

    const refreshed = await post({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
    const refreshedBody = (await refreshed.json()) as Record<string, unknown>;
    expect(refreshedBody).toMatchObject({ access_token: expect.any(String), expires_in: 3600, token_type: 'Bearer' });
    expect(refreshedBody.refresh_token).toBeUndefined();

    const badSecret = await post({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: CLIENT.clientId,
      client_secret: 'wrong',
    });
    expect(badSecret.status).toBe(401);
    expect(((await badSecret.json()) as { error: string }).error).toBe('invalid_client');

    const revoke = await fetch(`${fake.endpoints.revokeUrl}?token=${encodeURIComponent(tokens.refresh_token)}`, { method: 'POST' });
    expect(revoke.status).toBe(200);
    const afterRevoke = await post({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
    expect(afterRevoke.status).toBe(400);
    expect(await afterRevoke.json()).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    // Revoking the refresh token ends the grant: its access tokens stop working too.
    expect((await api(tokens.access_token, 'GET', '/calendar/v3/users/me/calendarList')).status).toBe(401);
  });

  it('answers API calls without a valid token with 401 authError', async () => {
    const response = await api('ya29.not-a-token', 'GET', '/calendar/v3/users/me/calendarList');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      error: {
        errors: [
          { domain: 'global', reason: 'authError', message: 'Invalid Credentials', locationType: 'header', location: 'Authorization' },
        ],
        code: 401,
        message: 'Invalid Credentials',
      },
    });
  });
});

describe('Google fake: events', () => {
  const email = 'wire-events@example.com';
  let token: string;
  beforeAll(async () => {
    token = (await tokenFor(email)).access_token;
  });

  it('honours client ids, 409 duplicate, If-Match 412 and 410 on a second delete', async () => {
    const id = 'abcdefghijklmnopqrstuv0123456789';
    const created = await api(token, 'POST', events(email), { id, summary: 'Hello', ...timed('2030-01-07T09:00:00Z') });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ kind: 'calendar#event', id, status: 'confirmed', etag: expect.stringMatching(/^".+"$/) });
    expect(created.body!.start.dateTime).toBe('2030-01-07T10:00:00+01:00');

    const duplicate = await api(token, 'POST', events(email), { id, summary: 'Again', ...timed('2030-01-07T09:00:00Z') });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body!.error.errors[0].reason).toBe('duplicate');
    expect(
      (await api(token, 'POST', events(email), { id: 'UPPERCASE-not-base32hex', summary: 'x', ...timed('2030-01-07T09:00:00Z') })).status,
    ).toBe(400);

    const patched = await api(token, 'PATCH', `${events(email)}/${id}`, { summary: 'Renamed' }, { 'if-match': created.body!.etag });
    expect(patched.status).toBe(200);
    expect(patched.body!.etag).not.toBe(created.body!.etag);
    const stale = await api(token, 'PATCH', `${events(email)}/${id}`, { summary: 'Stale' }, { 'if-match': created.body!.etag });
    expect(stale.status).toBe(412);
    expect(stale.body!.error.errors[0]).toMatchObject({ reason: 'conditionNotMet', location: 'If-Match' });

    expect((await api(token, 'DELETE', `${events(email)}/${id}`)).status).toBe(204);
    const again = await api(token, 'DELETE', `${events(email)}/${id}`);
    expect(again.status).toBe(410);
    expect(again.body!.error.errors[0].reason).toBe('deleted');
    expect((await api(token, 'GET', `${events(email)}/${id}`)).body!.status).toBe('cancelled');
  });

  it('pages with nextPageToken xor nextSyncToken, and answers a stale sync token with 410 fullSyncRequired', async () => {
    const pagesEmail = 'wire-pages@example.com';
    const pagesToken = (await tokenFor(pagesEmail)).access_token;
    fake.seedEvents(
      pagesEmail,
      Array.from({ length: 30 }, (_, i) => ({
        title: `E${i}`,
        start: { kind: 'dateTime' as const, dateTime: `2030-02-${String((i % 28) + 1).padStart(2, '0')}T10:00:00.000Z`, timeZone: 'UTC' },
        end: { kind: 'dateTime' as const, dateTime: `2030-02-${String((i % 28) + 1).padStart(2, '0')}T11:00:00.000Z`, timeZone: 'UTC' },
      })),
    );
    const ids = new Set<string>();
    let pageToken: string | undefined;
    let syncToken: string | undefined;
    do {
      const page = await api(
        pagesToken,
        'GET',
        `${events(pagesEmail)}?maxResults=7${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body!.nextPageToken !== undefined).not.toBe(page.body!.nextSyncToken !== undefined);
      for (const item of page.body!.items) ids.add(item.id);
      pageToken = page.body!.nextPageToken;
      syncToken = page.body!.nextSyncToken;
    } while (pageToken);
    expect(ids.size).toBe(30);

    const combined = await api(
      pagesToken,
      'GET',
      `${events(pagesEmail)}?syncToken=${encodeURIComponent(syncToken!)}&timeMin=2030-01-01T00:00:00Z`,
    );
    expect(combined.status).toBe(400);

    fake.expireSyncCursors(pagesEmail);
    const expired = await api(pagesToken, 'GET', `${events(pagesEmail)}?syncToken=${encodeURIComponent(syncToken!)}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toEqual({
      error: {
        errors: [
          {
            domain: 'calendar',
            reason: 'fullSyncRequired',
            message: 'Sync token is no longer valid, a full sync is required.',
            locationType: 'parameter',
            location: 'syncToken',
          },
        ],
        code: 410,
        message: 'Sync token is no longer valid, a full sync is required.',
      },
    });
    expect((await api(pagesToken, 'GET', `${events(pagesEmail)}?syncToken=garbage`)).status).toBe(410);
  });

  it('lists cancelled occurrences of a live series in a full listing, and materializes instance ids', async () => {
    const seriesEmail = 'wire-series@example.com';
    const seriesToken = (await tokenFor(seriesEmail)).access_token;
    const masterId = fake.seedEvent(seriesEmail, {
      title: 'Weekly',
      start: { kind: 'dateTime', dateTime: '2030-03-04T09:00:00.000Z', timeZone: 'Europe/Berlin' },
      end: { kind: 'dateTime', dateTime: '2030-03-04T09:30:00.000Z', timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10'],
      exceptions: [
        { originalStart: { kind: 'dateTime', dateTime: '2030-03-11T09:00:00.000Z', timeZone: 'Europe/Berlin' }, cancelled: true },
      ],
    });
    const listing = await api(seriesToken, 'GET', events(seriesEmail));
    const cancelled = listing.body!.items.find((item: { status: string }) => item.status === 'cancelled');
    expect(cancelled).toEqual({
      kind: 'calendar#event',
      etag: expect.any(String),
      id: `${masterId}_20300311T090000Z`,
      status: 'cancelled',
      recurringEventId: masterId,
      originalStartTime: { dateTime: '2030-03-11T10:00:00+01:00', timeZone: 'Europe/Berlin' },
    });

    // Across the DST change (Berlin, 2030-03-31) the series keeps 10:00 wall time: 08:00Z.
    const instance = await api(seriesToken, 'PATCH', `${events(seriesEmail)}/${masterId}_20300401T080000Z`, { summary: 'Moved one' });
    expect(instance.status).toBe(200);
    expect(instance.body).toMatchObject({
      recurringEventId: masterId,
      summary: 'Moved one',
      start: { dateTime: '2030-04-01T10:00:00+02:00' },
    });
    expect((await api(seriesToken, 'GET', `${events(seriesEmail)}/${masterId}_20300402T080000Z`)).status).toBe(404);

    const busy = await api(seriesToken, 'POST', '/calendar/v3/freeBusy', {
      timeMin: '2030-03-01T00:00:00Z',
      timeMax: '2030-03-20T00:00:00Z',
      items: [{ id: seriesEmail }, { id: 'nobody@example.com' }],
    });
    expect(busy.body!.calendars[seriesEmail].busy).toEqual([
      { start: '2030-03-04T09:00:00Z', end: '2030-03-04T09:30:00Z' },
      { start: '2030-03-18T09:00:00Z', end: '2030-03-18T09:30:00Z' },
    ]);
    expect(busy.body!.calendars['nobody@example.com']).toEqual({ errors: [{ domain: 'global', reason: 'notFound' }], busy: [] });
  });

  it('expands monthly rules as RFC 5545 does: n-th weekdays, and no occurrence in months without the day', async () => {
    const email = 'wire-monthly@example.com';
    const token = (await tokenFor(email)).access_token;
    const instancesOf = async (recurrence: string[], start: string) => {
      const created = await api(token, 'POST', events(email), { summary: 'Monthly', ...timed(start), recurrence });
      expect(created.status).toBe(200);
      const listed = await api(token, 'GET', `${events(email)}/${created.body!.id}/instances?timeMax=2031-01-01T00:00:00Z`);
      return listed.body!.items.map((item: { start: { dateTime: string } }) => item.start.dateTime);
    };
    expect(await instancesOf(['RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=3'], '2030-01-08T09:00:00Z')).toEqual([
      '2030-01-08T10:00:00+01:00',
      '2030-02-12T10:00:00+01:00',
      '2030-03-12T10:00:00+01:00',
    ]);
    expect(await instancesOf(['RRULE:FREQ=MONTHLY;COUNT=3'], '2030-01-31T09:00:00Z')).toEqual([
      '2030-01-31T10:00:00+01:00',
      '2030-03-31T10:00:00+02:00',
      '2030-05-31T10:00:00+02:00',
    ]);
  });

  it('lists the instances of an all-day series in a calendar east of UTC by their own dates', async () => {
    const email = 'wire-allday-east@example.com';
    const token = (await tokenFor(email)).access_token;
    const calendarId = fake.addCalendar(email, { name: 'Berlin', timeZone: 'Europe/Berlin' });
    const path = `/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`;
    const created = await api(token, 'POST', path, {
      summary: 'Focus day',
      start: { date: '2030-03-04' },
      end: { date: '2030-03-05' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
    });
    expect(created.status).toBe(200);
    const listed = await api(token, 'GET', `${path}/${created.body!.id}/instances`);
    expect(listed.body!.items.map((item: { id: string; start: { date: string } }) => [item.id, item.start.date])).toEqual(
      ['2030-03-04', '2030-03-11', '2030-03-18'].map((date) => [`${created.body!.id}_${date.replace(/-/g, '')}`, date]),
    );
  });

  it('patches a never-materialised instance with If-Match on the etag GET gave, and syncs it as that instance id', async () => {
    const instEmail = 'wire-instance@example.com';
    const instToken = (await tokenFor(instEmail)).access_token;
    const masterId = fake.seedEvent(instEmail, {
      title: 'Weekly',
      start: { kind: 'dateTime', dateTime: '2030-05-06T08:00:00.000Z', timeZone: 'Europe/Berlin' },
      end: { kind: 'dateTime', dateTime: '2030-05-06T08:30:00.000Z', timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
    });
    const allDayId = fake.seedEvent(instEmail, {
      title: 'Off',
      start: { kind: 'date', date: '2030-05-07' },
      end: { kind: 'date', date: '2030-05-08' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
    });
    let syncToken: string | undefined;
    let pageToken: string | undefined;
    do {
      const page = await api(instToken, 'GET', `${events(instEmail)}${pageToken ? `?pageToken=${encodeURIComponent(pageToken)}` : ''}`);
      pageToken = page.body!.nextPageToken;
      syncToken = page.body!.nextSyncToken;
    } while (pageToken);

    const instanceId = `${masterId}_20300513T080000Z`;
    const got = await api(instToken, 'GET', `${events(instEmail)}/${instanceId}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: instanceId,
      recurringEventId: masterId,
      originalStartTime: { dateTime: '2030-05-13T10:00:00+02:00' },
    });
    // The other suffix form, or a start the series does not have, names no instance.
    expect((await api(instToken, 'GET', `${events(instEmail)}/${masterId}_20300513`)).status).toBe(404);
    expect((await api(instToken, 'GET', `${events(instEmail)}/${masterId}_20300513T090000Z`)).status).toBe(404);
    expect((await api(instToken, 'GET', `${events(instEmail)}/${allDayId}_20300514`)).body).toMatchObject({
      recurringEventId: allDayId,
      start: { date: '2030-05-14' },
      end: { date: '2030-05-15' },
    });
    expect((await api(instToken, 'GET', `${events(instEmail)}/${allDayId}_20300514T000000Z`)).status).toBe(404);

    const patched = await api(
      instToken,
      'PATCH',
      `${events(instEmail)}/${instanceId}`,
      { summary: 'Just this one' },
      { 'if-match': got.body!.etag },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: instanceId, recurringEventId: masterId, summary: 'Just this one' });
    expect(
      (await api(instToken, 'PATCH', `${events(instEmail)}/${instanceId}`, { summary: 'Stale' }, { 'if-match': got.body!.etag })).status,
    ).toBe(412);

    const incremental = await api(instToken, 'GET', `${events(instEmail)}?syncToken=${encodeURIComponent(syncToken!)}`);
    expect(incremental.body!.items).toEqual([
      expect.objectContaining({ id: instanceId, recurringEventId: masterId, summary: 'Just this one', etag: patched.body!.etag }),
    ]);
  });

  it('renders injected faults the Google way', async () => {
    fake.injectFault({
      kind: 'rate_limit',
      count: 1,
      retryAfterSeconds: 3,
      rateLimitStatus: 403,
      rateLimitReason: 'userRateLimitExceeded',
    });
    const limited = await api(token, 'GET', events(email));
    expect(limited.status).toBe(403);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body!.error.errors[0]).toMatchObject({ domain: 'usageLimits', reason: 'userRateLimitExceeded' });

    fake.injectFault({ kind: 'server_error', count: 1, pathIncludes: '/freeBusy' });
    expect((await api(token, 'GET', events(email))).status).toBe(200);
    expect(
      (await api(token, 'POST', '/calendar/v3/freeBusy', { timeMin: '2030-01-01T00:00:00Z', timeMax: '2030-01-02T00:00:00Z', items: [] }))
        .status,
    ).toBe(500);
    expect(fake.requests().some((r) => r.path.endsWith('/freeBusy') && r.status === 500)).toBe(true);
  });
});

describe('Google fake: push', () => {
  it('sends sync first, then exists with the channel headers, retrying a 503', async () => {
    const email = 'wire-push@example.com';
    const token = (await tokenFor(email)).access_token;
    const received: http.IncomingHttpHeaders[] = [];
    let failNext = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (failNext > 0) {
          failNext -= 1;
          res.writeHead(503).end();
          return;
        }
        received.push(req.headers);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const watch = await api(token, 'POST', `${events(email)}/watch`, {
        id: 'chan-1',
        type: 'web_hook',
        address,
        token: 'secret-token',
        params: { ttl: '3600' },
      });
      expect(watch.body).toMatchObject({
        kind: 'api#channel',
        id: 'chan-1',
        resourceId: expect.any(String),
        expiration: expect.stringMatching(/^\d+$/),
      });
      const waitFor = async (n: number) => {
        for (let i = 0; i < 400 && received.length < n; i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
      };
      await waitFor(1);
      expect(received[0]).toMatchObject({
        'x-goog-channel-id': 'chan-1',
        'x-goog-resource-state': 'sync',
        'x-goog-message-number': '1',
        'x-goog-channel-token': 'secret-token',
      });

      failNext = 1;
      fake.seedEvent(email, { title: 'Ping', start: { kind: 'date', date: '2030-05-01' }, end: { kind: 'date', date: '2030-05-02' } });
      await waitFor(2);
      expect(received[1]).toMatchObject({
        'x-goog-resource-state': 'exists',
        'x-goog-resource-id': watch.body!.resourceId,
        'x-goog-message-number': '2',
      });
      expect(received[1]!['x-goog-resource-uri']).toContain('/calendar/v3/calendars/');
      expect(received[1]!['x-goog-channel-expiration']).toMatch(/GMT$/);

      expect((await api(token, 'POST', '/calendar/v3/channels/stop', { id: 'chan-1', resourceId: 'wrong' })).status).toBe(404);
      expect((await api(token, 'POST', '/calendar/v3/channels/stop', { id: 'chan-1', resourceId: watch.body!.resourceId })).status).toBe(
        204,
      );
      expect(fake.listPushChannels(email)).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('Google fake: control routes', () => {
  it('seeds and lists over HTTP for out-of-process drivers', async () => {
    const seeded = await fetch(`${fake.baseUrl}/__fake/accounts/${encodeURIComponent('ctl@example.com')}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [{ title: 'Via HTTP', start: { kind: 'date', date: '2030-06-01' }, end: { kind: 'date', date: '2030-06-02' } }],
      }),
    });
    const { ids } = (await seeded.json()) as { ids: string[] };
    expect(ids).toHaveLength(1);
    const listed = (await (await fetch(`${fake.baseUrl}/__fake/accounts/${encodeURIComponent('ctl@example.com')}/events`)).json()) as {
      events: Array<{ id: string; title: string }>;
    };
    expect(listed.events).toEqual([expect.objectContaining({ id: ids[0], title: 'Via HTTP' })]);
  });
});
