// POST /v1/freebusy answered from the synced events where they are fresh (push live, synced within the poll
// interval), from the provider where they are not, on the real stack: the same busy blocks either way
// (private events are busy, events shown as free are not, series are expanded), and every answer says where
// each connection's part came from and how fresh it is.
import { call, connectThroughApi, eventually, tokenFor } from './api-client';
import { startTestStack, type TestStack } from '../helpers/stack';

/** How far Berlin's clocks are ahead of UTC at `ms` (from Intl, not from the code under test). */
const berlinOffset = (ms: number) => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'Europe/Berlin',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, Number(part.value)]),
  );
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!) - Math.floor(ms / 60_000) * 60_000;
};

const DAY = 86_400_000;
/** Tomorrow at 00:00 UTC: the week asked for starts there. */
const weekStart = () => Math.ceil(Date.now() / DAY) * DAY + DAY;
const at = (ms: number) => ({ kind: 'dateTime' as const, dateTime: new Date(ms).toISOString(), timeZone: 'UTC' });

describe('free/busy from synced events', () => {
  let stack: TestStack;
  let token: string;
  let connectionId: string;
  const email = 'synced-freebusy@example.com';
  const start = weekStart();
  const window = { from: new Date(start).toISOString(), to: new Date(start + 7 * DAY).toISOString() };
  const hour = (day: number, h: number) => start + day * DAY + h * 3_600_000;

  const freeBusyRequests = () => stack.google.requests().filter((request) => request.path.includes('freeBusy')).length;
  const ask = () => call(stack, 'POST', '/v1/freebusy', { token, body: { userIds: ['fiona'], ...window } });

  beforeAll(async () => {
    stack = await startTestStack();
    token = await tokenFor(stack, 'acme', 'fiona');
    stack.google.ensureAccount(email);
    stack.google.seedEvent(email, { title: 'Busy one', start: at(hour(0, 9)), end: at(hour(0, 10)) });
    stack.google.seedEvent(email, { title: 'Private one', private: true, start: at(hour(1, 9)), end: at(hour(1, 10)) });
    stack.google.seedEvent(email, { title: 'Shown as free', free: true, start: at(hour(2, 9)), end: at(hour(2, 10)) });
    stack.google.seedEvent(email, {
      title: 'Daily stand-up',
      start: at(hour(-3, 15)),
      end: at(hour(-3, 15.5)),
      recurrence: ['RRULE:FREQ=DAILY;COUNT=6'],
    });
    ({ connectionId } = await connectThroughApi(stack, { token, provider: 'google', email }));
    await eventually(
      () => call(stack, 'GET', `/v1/connections/${connectionId}`, { token }),
      (r) => r.body.lastSync?.outcome === 'ok',
      'first sync',
      60_000,
    );
    await eventually(
      () => stack.deps.db.pushChannel.count({ where: { connectionId, status: 'active' } }),
      (n) => n === 1,
      'push channel',
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  const expectedBusy = () => [
    { start: new Date(hour(0, 9)).toISOString(), end: new Date(hour(0, 10)).toISOString() },
    { start: new Date(hour(0, 15)).toISOString(), end: new Date(hour(0, 15.5)).toISOString() },
    { start: new Date(hour(1, 9)).toISOString(), end: new Date(hour(1, 10)).toISOString() },
    { start: new Date(hour(1, 15)).toISOString(), end: new Date(hour(1, 15.5)).toISOString() },
    { start: new Date(hour(2, 15)).toISOString(), end: new Date(hour(2, 15.5)).toISOString() },
  ];

  it('answers a fresh, pushed calendar from its rows without asking the provider, and says so', async () => {
    const before = freeBusyRequests();
    const response = await ask();
    expect(response.status).toBe(200);
    const [user] = response.body.users;
    expect(user.errors).toEqual([]);
    expect(user.sources).toEqual([{ connectionId, source: 'synced', lastSyncAt: expect.any(String), pushLive: true }]);
    expect(Date.now() - Date.parse(user.sources[0].lastSyncAt)).toBeLessThan(15 * 60_000);
    // Private: a busy block. Shown as free: nothing. The series: its occurrences inside the week.
    expect(user.busy).toEqual(expectedBusy());
    expect(freeBusyRequests()).toBe(before);
  });

  it('keeps answering from rows while the connection needs attention (only deletions wait)', async () => {
    await stack.deps.db.calendarConnection.update({ where: { id: connectionId }, data: { status: 'needs_attention' } });
    try {
      const response = await ask();
      expect(response.body.users[0].sources[0].source).toBe('synced');
      expect(response.body.users[0].busy).toEqual(expectedBusy());
    } finally {
      await stack.deps.db.calendarConnection.update({ where: { id: connectionId }, data: { status: 'active' } });
    }
  });

  /** Runs `check` while push is down and the rows are an hour old (so the provider answers), then restores both. */
  async function whileRowsAreStale(check: (staleSince: Date) => Promise<void>): Promise<void> {
    const channels = await stack.deps.db.pushChannel.findMany({ where: { connectionId, status: 'active' } });
    const calendars = await stack.deps.db.connectionCalendar.findMany({ where: { connectionId } });
    const longAgo = new Date(Date.now() - 60 * 60_000);
    await stack.deps.db.pushChannel.updateMany({ where: { connectionId }, data: { expiresAt: longAgo } });
    await stack.deps.db.connectionCalendar.updateMany({ where: { connectionId }, data: { lastSyncAt: longAgo } });
    try {
      await check(longAgo);
    } finally {
      for (const channel of channels)
        await stack.deps.db.pushChannel.update({ where: { id: channel.id }, data: { expiresAt: channel.expiresAt } });
      for (const calendar of calendars)
        await stack.deps.db.connectionCalendar.update({ where: { id: calendar.id }, data: { lastSyncAt: calendar.lastSyncAt } });
    }
  }

  it('asks the provider when push is down and the last sync is older than a poll interval, with the same blocks', async () => {
    await whileRowsAreStale(async (staleSince) => {
      const before = freeBusyRequests();
      const response = await ask();
      expect(response.status).toBe(200);
      const [user] = response.body.users;
      expect(user.sources).toEqual([{ connectionId, source: 'provider', lastSyncAt: staleSince.toISOString(), pushLive: false }]);
      expect(user.busy).toEqual(expectedBusy());
      expect(freeBusyRequests()).toBe(before + 1);
    });
  });

  it('expands a series across a clock change as the provider does: 02:30 skipped or repeated is read with the old offset', async () => {
    // The next night Berlin changes its clocks (02:30 is skipped in spring and happens twice in autumn).
    let change = Math.ceil(Date.now() / DAY) * DAY + DAY;
    while (berlinOffset(change) === berlinOffset(change + DAY)) change += DAY;
    const [oldOffset, newOffset] = [berlinOffset(change), berlinOffset(change + DAY)];
    const wallAt = (day: number) => change + day * DAY + 2.5 * 3_600_000; // 02:30 on that day, as if UTC
    stack.google.seedEvent(email, {
      title: 'Night shift hand-over',
      start: { kind: 'dateTime', dateTime: new Date(wallAt(-2) - oldOffset).toISOString(), timeZone: 'Europe/Berlin' },
      end: { kind: 'dateTime', dateTime: new Date(wallAt(-2) - oldOffset + 30 * 60_000).toISOString(), timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=DAILY;COUNT=4'],
    });
    await eventually(
      () => stack.deps.db.calendarEvent.count({ where: { connectionId, title: 'Night shift hand-over' } }),
      (n) => n === 1,
      'the series synced',
    );
    const nights = { from: new Date(change - 3 * DAY).toISOString(), to: new Date(change + 3 * DAY).toISOString() };
    const askNights = () => call(stack, 'POST', '/v1/freebusy', { token, body: { userIds: ['fiona'], ...nights } });
    const block = (instant: number) => ({ start: new Date(instant).toISOString(), end: new Date(instant + 30 * 60_000).toISOString() });
    // RFC 5545 3.3.5: the day of the change keeps the old offset (spring: 03:30 new time; autumn: the first 02:30).
    const expected = [
      block(wallAt(-2) - oldOffset),
      block(wallAt(-1) - oldOffset),
      block(wallAt(0) - oldOffset),
      block(wallAt(1) - newOffset),
    ];

    const synced = await askNights();
    expect(synced.body.users[0].sources[0].source).toBe('synced');
    expect(synced.body.users[0].busy).toEqual(expected);

    // The provider's own expansion, asked directly (push down, rows stale): the same blocks.
    await whileRowsAreStale(async () => {
      const provider = await askNights();
      expect(provider.body.users[0].sources[0].source).toBe('provider');
      expect(provider.body.users[0].busy).toEqual(expected);
    });
  });

  it('asks the provider for a window outside what sync keeps', async () => {
    const far = { from: new Date(Date.now() + 400 * DAY).toISOString(), to: new Date(Date.now() + 401 * DAY).toISOString() };
    const response = await call(stack, 'POST', '/v1/freebusy', { token, body: { userIds: ['fiona'], ...far } });
    expect(response.status).toBe(200);
    expect(response.body.users[0].sources[0]).toMatchObject({ source: 'provider', pushLive: true });
  });
});
