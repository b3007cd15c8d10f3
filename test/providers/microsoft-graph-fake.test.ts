// Microsoft-specific behaviour of the Graph fake and the adapter beyond the shared contract: refresh-token
// rotation, @removed meaning "deleted" vs "left the window", series instances, Windows zones on the wire,
// transactionId idempotency, the subscription validation handshake, lifecycle notifications, and trusting
// the test CA.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startMicrosoftFake, type MicrosoftFake } from '../../fakes/microsoft';
import { loadOrCreateSandboxCa } from '../../fakes/tls/certificate-authority';
import { createTrustingDispatcher } from '../../fakes/tls/trusting-dispatcher';
import { isProviderError } from '../../providers/errors';
import { createMicrosoftProvider } from '../../providers/microsoft';
import type { CalendarProvider, CallAuth, PushMessage, TokenSet } from '../../providers/types';
import type { EventChange } from '../../domain/events';
import { unmeteredAuth } from '../../providers/unmetered';

const DAY_MS = 86_400_000;
const client = { clientId: 'ms-specific-test-client', clientSecret: 'ms-specific-test-secret' };
const redirectUri = 'http://127.0.0.1:3000/oauth/microsoft/callback';

let fake: MicrosoftFake;
let provider: CalendarProvider;

beforeAll(async () => {
  fake = await startMicrosoftFake({ allowLoopbackHttp: true });
  fake.registerClient(client.clientId, client.clientSecret);
  provider = createMicrosoftProvider(fake.endpoints, {
    ca: fake.caCertificate,
    timeoutMs: 10_000,
    syncWindow: { daysBack: 7, daysAhead: 30 },
  });
});
afterAll(async () => {
  await fake.close();
});

async function connect(email: string): Promise<{ tokens: TokenSet; auth: CallAuth; calendarId: string }> {
  const calendarId = fake.ensureAccount(email);
  const verifier = randomBytes(48).toString('base64url');
  const url = provider.buildAuthorizationUrl(client, {
    state: 'st',
    codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
    redirectUri,
    loginHint: email,
  });
  const { code } = await fake.authorize(url, email);
  const tokens = await provider.exchangeCode(client, { code, codeVerifier: verifier, redirectUri });
  return { tokens, auth: unmeteredAuth(tokens.accessToken), calendarId };
}

async function syncAll(auth: CallAuth, calendarId: string, position: string | null) {
  const changes: EventChange[] = [];
  for (;;) {
    const page = await provider.fetchChanges(auth, { calendarId, position });
    changes.push(...page.changes);
    if (page.next.kind === 'done') return { changes, cursor: page.next.cursor };
    position = page.next.position;
  }
}

const at = (days: number, hour = 10) => new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + days * DAY_MS + hour * 3_600_000).toISOString();
const timed = (title: string, days: number) => ({
  title,
  start: { kind: 'dateTime' as const, dateTime: at(days), timeZone: 'America/Los_Angeles' },
  end: { kind: 'dateTime' as const, dateTime: at(days, 11), timeZone: 'America/Los_Angeles' },
});

async function graphFetch(auth: CallAuth, pathAndQuery: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const res = await fetch(`${fake.baseUrl}/v1.0${pathAndQuery}`, {
    ...init,
    headers: { authorization: `Bearer ${auth.accessToken}`, 'content-type': 'application/json', ...init.headers },
    dispatcher: createTrustingDispatcher(fake.caCertificate),
  } as unknown as RequestInit);
  return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> };
}

describe('refresh token rotation', () => {
  it('issues a new refresh token on every refresh and rejects the spent one with invalid_grant', async () => {
    const { tokens } = await connect('rotation@example.com');
    const first = await provider.refresh(client, tokens.refreshToken!);
    expect(first.refreshToken).toEqual(expect.any(String));
    expect(first.refreshToken).not.toBe(tokens.refreshToken);

    const reused = await provider.refresh(client, tokens.refreshToken!).catch((e: unknown) => e);
    expect(isProviderError(reused, 'access_revoked')).toBe(true);
    expect((reused as { details: { code?: string } }).details.code).toBe('invalid_grant/AADSTS70008');

    const second = await provider.refresh(client, first.refreshToken!);
    expect(second.refreshToken).not.toBe(first.refreshToken);
  });

  it('rejects a second redemption of the same code as a request problem (AADSTS54005), not a revoked grant', async () => {
    const email = 'code-reuse@example.com';
    fake.ensureAccount(email);
    const verifier = randomBytes(48).toString('base64url');
    const url = provider.buildAuthorizationUrl(client, {
      state: 's',
      codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
      redirectUri,
      loginHint: email,
    });
    const { code } = await fake.authorize(url, email);
    await provider.exchangeCode(client, { code, codeVerifier: verifier, redirectUri });
    const again = await provider.exchangeCode(client, { code, codeVerifier: verifier, redirectUri }).catch((e: unknown) => e);
    expect(isProviderError(again, 'invalid_request')).toBe(true);
    expect((again as { details: { code?: string } }).details.code).toBe('invalid_grant/AADSTS54005');
  });
});

describe('@removed in calendarView delta', () => {
  it('reports an event moved out of the sync window as left_window and a deleted one as deleted', async () => {
    const email = 'removed@example.com';
    const { auth, calendarId } = await connect(email);
    const [movedId, deletedId] = fake.seedEvents(email, [timed('Will move far away', 2), timed('Will be deleted', 3)]);
    const full = await syncAll(auth, calendarId, null);
    expect(full.changes.filter((c) => c.type === 'upsert')).toHaveLength(2);

    fake.updateEventAsProvider(email, movedId!, { start: timed('', 200).start, end: timed('', 200).end });
    fake.deleteEventAsProvider(email, deletedId!);
    const incremental = await syncAll(auth, calendarId, full.cursor);
    expect(incremental.changes).toEqual(
      expect.arrayContaining([
        { type: 'delete', externalId: movedId, reason: 'left_window' },
        { type: 'delete', externalId: deletedId, reason: 'deleted' },
      ]),
    );
    expect(incremental.changes).toHaveLength(2);
  });

  it('reports a cancelled occurrence of a series as deleted', async () => {
    const email = 'occurrence@example.com';
    const { auth, calendarId } = await connect(email);
    const masterId = fake.seedEvent(email, { ...timed('Daily', 1), recurrence: ['RRULE:FREQ=DAILY;COUNT=3'] });
    const full = await syncAll(auth, calendarId, null);
    const occurrences = full.changes.flatMap((c) => (c.type === 'upsert' && c.event.kind === 'occurrence' ? [c.event] : []));
    expect(occurrences).toHaveLength(3);
    expect(full.changes).toContainEqual(
      expect.objectContaining({
        type: 'upsert',
        event: expect.objectContaining({ externalId: masterId, kind: 'seriesMaster', recurrence: ['RRULE:FREQ=DAILY;COUNT=3'] }),
      }),
    );

    await provider.deleteEvent(auth, { calendarId, eventId: occurrences[1]!.externalId });
    const incremental = await syncAll(auth, calendarId, full.cursor);
    expect(incremental.changes).toEqual([{ type: 'delete', externalId: occurrences[1]!.externalId, reason: 'deleted' }]);
  });
});

describe('Windows time zones on the wire', () => {
  it('writes Outlook-style zone names and honours Prefer: outlook.timezone', async () => {
    const email = 'zones@example.com';
    const { auth } = await connect(email);
    const id = fake.seedEvent(email, timed('Zoned', 4));
    const plain = await graphFetch(auth, `/me/events/${encodeURIComponent(id)}`);
    expect(plain.body.originalStartTimeZone).toBe('Pacific Standard Time');
    expect(plain.body.start).toEqual({ dateTime: `${at(4).slice(0, 19)}.0000000`, timeZone: 'UTC' });
    const zoned = await graphFetch(auth, `/me/events/${encodeURIComponent(id)}`, {
      headers: { prefer: 'outlook.timezone="Pacific Standard Time"' },
    });
    expect((zoned.body.start as { timeZone: string }).timeZone).toBe('Pacific Standard Time');

    const event = await provider.getEvent(auth, { calendarId: 'primary', eventId: id });
    expect(event.start).toEqual({ kind: 'dateTime', dateTime: new Date(at(4)).toISOString(), timeZone: 'America/Los_Angeles' });
  });
});

describe('all-day events on a day without a midnight', () => {
  it('keeps an all-day event at midnight when a DST change skips that midnight (Chile, 2030-09-08)', async () => {
    const { auth } = await connect('santiago@example.com');
    const created = await graphFetch(auth, '/me/events', {
      method: 'POST',
      body: JSON.stringify({
        subject: 'Fiestas prep',
        isAllDay: true,
        start: { dateTime: '2030-09-08T00:00:00', timeZone: 'Pacific SA Standard Time' },
        end: { dateTime: '2030-09-09T00:00:00', timeZone: 'Pacific SA Standard Time' },
      }),
    });
    expect(created.status).toBe(201);
    expect(created.body.start).toEqual({ dateTime: '2030-09-08T00:00:00.0000000', timeZone: 'UTC' });
  });
});

describe('Windows zones whose IANA zone changed', () => {
  // Chihuahua left Mountain time for Central time in 2022: Windows' "Mountain Standard Time (Mexico)" is
  // Mazatlan's UTC-7, while America/Chihuahua is UTC-6.
  const mexico = (title: string, zone: string) => ({
    title,
    start: { kind: 'dateTime' as const, dateTime: at(5), timeZone: zone },
    end: { kind: 'dateTime' as const, dateTime: at(5, 11), timeZone: zone },
  });

  it('reads "Mountain Standard Time (Mexico)" as Mazatlan and writes an event back without moving it', async () => {
    const email = 'mazatlan@example.com';
    const { auth, calendarId } = await connect(email);
    const id = fake.seedEvent(email, mexico('Mazatlan call', 'America/Mazatlan'));
    expect((await graphFetch(auth, `/me/events/${encodeURIComponent(id)}`)).body.originalStartTimeZone).toBe(
      'Mountain Standard Time (Mexico)',
    );
    const event = await provider.getEvent(auth, { calendarId, eventId: id });
    expect(event.start).toEqual({ kind: 'dateTime', dateTime: new Date(at(5)).toISOString(), timeZone: 'America/Mazatlan' });
    await provider.updateEvent(auth, { calendarId, eventId: id, patch: { start: event.start, end: event.end } });
    expect(fake.listEvents(email).find((e) => e.id === id)?.start).toMatchObject({ dateTime: new Date(at(5)).toISOString() });
  });

  it('creates an event in America/Chihuahua at the instant asked for', async () => {
    const email = 'chihuahua@example.com';
    const { auth, calendarId } = await connect(email);
    const created = await provider.createEvent(auth, {
      calendarId,
      idempotencyKey: 'chihuahua-1',
      event: mexico('Chihuahua call', 'America/Chihuahua'),
    });
    expect(fake.listEvents(email).find((e) => e.id === created.externalId)?.start).toMatchObject({
      dateTime: new Date(at(5)).toISOString(),
    });
  });
});

describe('all-day series written east of UTC', () => {
  it('reads each occurrence on its own date, though Graph gives originalStart as the UTC evening before', async () => {
    const email = 'allday-east@example.com';
    const { auth, calendarId } = await connect(email);
    const day = (n: number) => new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + n * DAY_MS).toISOString().slice(0, 10);
    const berlin = 'W. Europe Standard Time';
    // What Outlook writes for a Berlin user's all-day series.
    const created = await graphFetch(auth, '/me/events', {
      method: 'POST',
      body: JSON.stringify({
        subject: 'Berlin focus day',
        isAllDay: true,
        start: { dateTime: `${day(3)}T00:00:00`, timeZone: berlin },
        end: { dateTime: `${day(4)}T00:00:00`, timeZone: berlin },
        recurrence: {
          pattern: { type: 'daily', interval: 1 },
          range: { type: 'numbered', startDate: day(3), numberOfOccurrences: 3, recurrenceTimeZone: berlin },
        },
      }),
    });
    expect(created.status).toBe(201);
    const masterId = created.body.id as string;
    const listed = await graphFetch(
      auth,
      `/me/events/${encodeURIComponent(masterId)}/instances?startDateTime=${day(1)}T00:00:00&endDateTime=${day(8)}T00:00:00`,
    );
    expect((listed.body.value as Array<{ originalStart: string }>).map((e) => e.originalStart.slice(0, 10))).toEqual([
      day(2),
      day(3),
      day(4),
    ]);

    const occurrences = (await syncAll(auth, calendarId, null)).changes.flatMap((c) =>
      c.type === 'upsert' && c.event.kind === 'occurrence' ? [c.event] : [],
    );
    expect(occurrences.map((e) => [e.start, e.originalStart])).toEqual(
      [3, 4, 5].map((n) => [
        { kind: 'date', date: day(n) },
        { kind: 'date', date: day(n) },
      ]),
    );
    const second = await provider.getOccurrence(auth, {
      calendarId,
      seriesMasterId: masterId,
      originalStart: { kind: 'date', date: day(4) },
    });
    expect(second.start).toEqual({ kind: 'date', date: day(4) });
  });
});

describe('series instances', () => {
  it('lists the occurrences and exceptions of a series master in a window, paged, without cancelled ones', async () => {
    const email = 'instances@example.com';
    const { auth, calendarId } = await connect(email);
    const utc = (days: number, hour = 10) => ({ kind: 'dateTime' as const, dateTime: at(days, hour), timeZone: 'UTC' });
    const masterId = fake.seedEvent(email, {
      title: 'Daily',
      start: utc(1),
      end: utc(1, 11),
      recurrence: ['RRULE:FREQ=DAILY;COUNT=5'],
      exceptions: [
        { originalStart: utc(2), patch: { title: 'Daily (changed)' } },
        { originalStart: utc(3), cancelled: true },
      ],
    });
    const singleId = fake.seedEvent(email, { title: 'Single', start: utc(2, 14), end: utc(2, 15) });
    const window = `startDateTime=${at(0, 0).slice(0, 19)}&endDateTime=${at(6, 0).slice(0, 19)}`;
    const instances = (id: string, query = window, base = '/me/events') =>
      graphFetch(auth, `${base}/${encodeURIComponent(id)}/instances?${query}`);

    const firstPage = await instances(masterId, `${window}&$top=3`);
    expect(firstPage.status).toBe(200);
    const nextLink = firstPage.body['@odata.nextLink'] as string;
    expect(nextLink).toMatch(/^https:\/\/.+\$skip=3/);
    const rest = await graphFetch(auth, nextLink.slice(`${fake.baseUrl}/v1.0`.length));
    expect(rest.body['@odata.nextLink']).toBeUndefined();
    const listed = [...(firstPage.body.value as Array<Record<string, unknown>>), ...(rest.body.value as Array<Record<string, unknown>>)];
    expect(listed.map((e) => [e.type, e.subject, e.seriesMasterId])).toEqual([
      ['occurrence', 'Daily', masterId],
      ['exception', 'Daily (changed)', masterId],
      ['occurrence', 'Daily', masterId],
      ['occurrence', 'Daily', masterId],
    ]);
    expect(listed.map((e) => e.originalStart)).toEqual([1, 2, 4, 5].map((d) => at(d).replace('.000Z', 'Z')));

    const byCalendar = await instances(masterId, window, `/me/calendars/${encodeURIComponent(calendarId)}/events`);
    expect((byCalendar.body.value as unknown[]).length).toBe(4);
    expect(((await instances(masterId, window, '/me/calendar/events')).body.value as unknown[]).length).toBe(4);

    const noWindow = await instances(masterId, '');
    expect(noWindow.status).toBe(400);
    expect((noWindow.body.error as { code: string }).code).toBe('ErrorInvalidParameter');
    const unknown = await instances('AAMkAGInotthere', window);
    expect(unknown.status).toBe(404);
    expect((unknown.body.error as { code: string }).code).toBe('ErrorItemNotFound');
    expect((await instances(singleId)).status).toBe(400);
    expect((await instances(listed[0]!.id as string)).status).toBe(400);
  });
});

describe('patternedRecurrence expansion', () => {
  it('expands relative and absolute monthly patterns in the series zone, and refuses an unknown zone', async () => {
    const { auth } = await connect('patterns@example.com');
    const series = async (pattern: Record<string, unknown>, startDate: string, count: number) => {
      const created = await graphFetch(auth, '/me/events', {
        method: 'POST',
        body: JSON.stringify({
          subject: 'Monthly',
          start: { dateTime: `${startDate}T09:00:00`, timeZone: 'Pacific Standard Time' },
          end: { dateTime: `${startDate}T10:00:00`, timeZone: 'Pacific Standard Time' },
          recurrence: {
            pattern,
            range: { type: 'numbered', startDate, numberOfOccurrences: count, recurrenceTimeZone: 'Pacific Standard Time' },
          },
        }),
      });
      expect(created.status).toBe(201);
      const window = 'startDateTime=2030-01-01T00:00:00&endDateTime=2031-01-01T00:00:00';
      const listed = await graphFetch(auth, `/me/events/${encodeURIComponent(created.body.id as string)}/instances?${window}`, {
        headers: { prefer: 'outlook.timezone="Pacific Standard Time"' },
      });
      return (listed.body.value as Array<{ start: { dateTime: string } }>).map((e) => e.start.dateTime);
    };
    // The first weekday of each month ("index" counts among all the listed days).
    expect(
      await series(
        { type: 'relativeMonthly', interval: 1, daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], index: 'first' },
        '2030-06-03',
        3,
      ),
    ).toEqual(['2030-06-03T09:00:00.0000000', '2030-07-01T09:00:00.0000000', '2030-08-01T09:00:00.0000000']);
    // Day 31 falls on the last day of shorter months, as Outlook schedules it.
    expect(await series({ type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 }, '2030-01-31', 3)).toEqual([
      '2030-01-31T09:00:00.0000000',
      '2030-02-28T09:00:00.0000000',
      '2030-03-31T09:00:00.0000000',
    ]);

    const unknownZone = await graphFetch(auth, '/me/events', {
      method: 'POST',
      body: JSON.stringify({
        subject: 'Somewhere',
        start: { dateTime: '2030-01-07T09:00:00', timeZone: 'Greenwich Mean Time' },
        end: { dateTime: '2030-01-07T10:00:00', timeZone: 'Greenwich Mean Time' },
      }),
    });
    expect(unknownZone.status).toBe(400);
    expect((unknownZone.body.error as { code: string }).code).toBe('TimeZoneNotSupportedException');
  });
});

describe('transactionId idempotency', () => {
  it('returns the existing event for a duplicate POST with the same transactionId', async () => {
    const email = 'txn@example.com';
    const { auth } = await connect(email);
    const body = JSON.stringify({
      subject: 'Once',
      start: { dateTime: '2030-01-07T09:00:00', timeZone: 'Pacific Standard Time' },
      end: { dateTime: '2030-01-07T10:00:00', timeZone: 'Pacific Standard Time' },
      transactionId: 'txn-1',
    });
    const a = await graphFetch(auth, '/me/events', { method: 'POST', body });
    const b = await graphFetch(auth, '/me/events', { method: 'POST', body });
    expect(a.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(a.body).toMatchObject({
      transactionId: 'txn-1',
      changeKey: expect.any(String),
      iCalUId: expect.any(String),
      '@odata.etag': expect.stringMatching(/^W\/"/),
    });

    const key = `crm/${'k'.repeat(300)}`;
    const input = { calendarId: 'primary', idempotencyKey: key, event: timed('Hashed key', 5) };
    const first = await provider.createEvent(auth, input);
    const second = await provider.createEvent(auth, input);
    expect(second.externalId).toBe(first.externalId);
    expect(fake.listEvents(email).filter((e) => e.title === 'Hashed key')).toHaveLength(1);
  });
});

interface Receiver {
  url: string;
  messages: PushMessage[];
  close(): Promise<void>;
}

async function startReceiver(answer: 'echo' | 'wrong'): Promise<Receiver> {
  const messages: PushMessage[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const message = provider.parsePushMessage({
        headers: req.headers,
        query: Object.fromEntries(url.searchParams),
        body: raw ? (JSON.parse(raw) as unknown) : undefined,
      });
      messages.push(message);
      if (message.kind === 'validation')
        res.writeHead(200, { 'content-type': 'text/plain' }).end(answer === 'echo' ? message.responseText : 'nope');
      else res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    messages,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function waitFor<T>(check: () => T | undefined): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out');
}

describe('subscriptions', () => {
  it('creates a subscription only after the receiver echoes the validation token', async () => {
    const email = 'validation@example.com';
    const { auth, calendarId } = await connect(email);
    const bad = await startReceiver('wrong');
    const good = await startReceiver('echo');
    try {
      const refused = await provider
        .createPushChannel(auth, { calendarId, notificationUrl: bad.url, secret: 's1', expiresAt: new Date(Date.now() + DAY_MS) })
        .catch((e: unknown) => e);
      expect(isProviderError(refused, 'invalid_request')).toBe(true);
      expect(bad.messages[0]).toEqual({ kind: 'validation', responseText: expect.stringContaining('Validation') });
      expect(fake.listPushChannels(email)).toEqual([]);

      const channel = await provider.createPushChannel(auth, {
        calendarId,
        notificationUrl: good.url,
        secret: 's2',
        expiresAt: new Date(Date.now() + 30 * DAY_MS),
      });
      expect(good.messages[0]?.kind).toBe('validation');
      // Asked for 30 days: capped under Graph's 4230-minute maximum.
      expect(channel.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 4230 * 60_000);
      expect(fake.listPushChannels(email).map((c) => c.id)).toEqual([channel.channelId]);
    } finally {
      await bad.close();
      await good.close();
    }
  });

  it('delivers lifecycle notifications with the clientState, and drops subscriptions of a revoked grant', async () => {
    const email = 'lifecycle@example.com';
    const { auth, calendarId } = await connect(email);
    const receiver = await startReceiver('echo');
    try {
      const channel = await provider.createPushChannel(auth, {
        calendarId,
        notificationUrl: receiver.url,
        lifecycleUrl: `${receiver.url}/lifecycle`,
        secret: 'lifecycle-secret',
        expiresAt: new Date(Date.now() + DAY_MS),
      });
      expect(receiver.messages.filter((m) => m.kind === 'validation')).toHaveLength(2); // both URLs validated
      expect(fake.sendLifecycleNotification(channel.channelId, 'reauthorizationRequired')).toBe(true);
      const lifecycle = await waitFor(() => receiver.messages.find((m) => m.kind === 'lifecycle'));
      expect(lifecycle).toEqual({
        kind: 'lifecycle',
        channelId: channel.channelId,
        secret: 'lifecycle-secret',
        event: 'reauthorizationRequired',
      });

      fake.revokeGrants(email);
      await waitFor(() => receiver.messages.find((m) => m.kind === 'lifecycle' && m.event === 'subscriptionRemoved'));
      expect(fake.listPushChannels(email)).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('parses change notifications and rejects foreign bodies', () => {
    expect(
      provider.parsePushMessage({
        headers: {},
        query: {},
        body: {
          value: [
            {
              subscriptionId: 'sub-1',
              clientState: 'cs',
              changeType: 'updated',
              resource: 'Users/u/Events/e1',
              resourceData: { id: 'e1' },
              tenantId: 't',
            },
          ],
        },
      }),
    ).toEqual({ kind: 'change', channelId: 'sub-1', secret: 'cs', resourceId: 'e1' });
    expect(provider.parsePushMessage({ headers: {}, query: {}, body: { value: [] } }).kind).toBe('invalid');
    expect(provider.parsePushMessage({ headers: {}, query: {}, body: 'not json' }).kind).toBe('invalid');
  });
});

describe('the sandbox test CA', () => {
  it('is refused without the CA, trusted with it, and reused from disk on the next start', async () => {
    await expect(fetch(`${fake.baseUrl}/v1.0/me`)).rejects.toThrow();
    const res = await fetch(`${fake.baseUrl}/v1.0/me`, {
      dispatcher: createTrustingDispatcher(fake.caCertificate),
    } as unknown as RequestInit);
    expect(res.status).toBe(401);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-ca-'));
    try {
      const first = await loadOrCreateSandboxCa(dir);
      const second = await loadOrCreateSandboxCa(dir);
      expect(second.caCertificate).toBe(first.caCertificate);
      expect(second.serverCertificate).toBe(first.serverCertificate);
      expect(fs.readFileSync(first.caCertificatePath, 'utf8')).toBe(first.caCertificate);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('getSchedule', () => {
  it('refuses more than 62 days at once (like Graph); the adapter asks in parts and joins them', async () => {
    const { auth, tokens } = await connect('schedule-long@example.com');
    const from = Date.parse('2031-01-05T00:00:00Z');
    const to = from + 100 * DAY_MS;
    const at = (days: number, hours: number) => ({
      kind: 'dateTime' as const,
      dateTime: new Date(from + days * DAY_MS + hours * 3_600_000).toISOString(),
      timeZone: 'UTC',
    });
    fake.seedEvents('schedule-long@example.com', [
      { title: 'early', start: at(3, 9), end: at(3, 10) },
      { title: 'late', start: at(80, 9), end: at(80, 10) },
    ]);
    const direct = await fetch(`${fake.baseUrl}/v1.0/me/calendar/getSchedule`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        schedules: ['schedule-long@example.com'],
        startTime: { dateTime: new Date(from).toISOString().replace('Z', ''), timeZone: 'UTC' },
        endTime: { dateTime: new Date(to).toISOString().replace('Z', ''), timeZone: 'UTC' },
      }),
      dispatcher: createTrustingDispatcher(fake.caCertificate),
    } as unknown as RequestInit);
    expect(direct.status).toBe(400);
    expect(((await direct.json()) as { error: { code: string } }).error.code).toBe('ErrorTimeIntervalTooBig');

    const result = await provider.freeBusy(auth, {
      emails: ['schedule-long@example.com'],
      timeMin: new Date(from).toISOString(),
      timeMax: new Date(to).toISOString(),
    });
    const entry = result['schedule-long@example.com'];
    expect(entry && 'busy' in entry ? entry.busy.map((block) => block.start) : entry).toEqual([at(3, 9).dateTime, at(80, 9).dateTime]);
  });
});
