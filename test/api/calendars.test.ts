// Calendar selection through the API on the real stack: the account's calendars are listed from the
// provider, the owner picks which ones sync and which receives meetings, and the change takes effect
// without a new connection: syncing starts/stops, push channels follow, free/busy and feeds use only the
// selected calendars. Uses the Google fake's addCalendar (secondary and read-only calendars).
import { ensurePushChannels } from '../../services/connection/push-channels';
import { PERMISSIONS } from '../../api/auth/permissions';
import { startTestStack, type TestStack } from '../helpers/stack';
import { call, connectThroughApi, eventually, tokenFor } from './api-client';

const HOUR = 3_600_000;
const inHours = (hours: number) => new Date(Math.floor(Date.now() / HOUR) * HOUR + hours * HOUR).toISOString();
const timed = (title: string, hours: number) => ({
  title,
  start: { kind: 'dateTime' as const, dateTime: inHours(hours), timeZone: 'UTC' },
  end: { kind: 'dateTime' as const, dateTime: inHours(hours + 1), timeZone: 'UTC' },
});

describe('API: calendar selection', () => {
  let stack: TestStack;
  let token: string;
  let connectionId: string;
  let primary: string;
  let team: string;
  let holidays: string;
  const email = 'selector@example.com';

  beforeAll(async () => {
    stack = await startTestStack();
    token = await tokenFor(stack, 'acme', 'selma');
    primary = stack.google.ensureAccount(email);
    team = stack.google.addCalendar(email, { name: 'Team', timeZone: 'Europe/Berlin' });
    holidays = stack.google.addCalendar(email, { name: 'Holidays', readOnly: true });
    stack.google.seedEvent(email, timed('Primary meeting', 30));
    stack.google.seedEvent(email, timed('Team offsite', 50), team);
    ({ connectionId } = await connectThroughApi(stack, { token, provider: 'google', email }));
    await eventually(
      () => call(stack, 'GET', `/v1/connections/${connectionId}`, { token }),
      (r) => r.body.lastSync?.outcome === 'ok',
      'first sync',
    );
    await eventually(
      () => stack.deps.db.pushChannel.count({ where: { connectionId, status: 'active' } }),
      (n) => n === 1,
      'primary push channel',
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  const titles = async () => (await stack.deps.db.calendarEvent.findMany({ where: { connectionId } })).map((row) => row.title);
  const activeChannels = () => stack.deps.db.pushChannel.findMany({ where: { connectionId, status: 'active' } });
  const lastSyncAt = async () =>
    (await call(stack, 'GET', `/v1/connections/${connectionId}`, { token })).body.lastSync?.at as string | undefined;
  /** Runs the workflow's push renewal step (ensurePushChannels) as the workflow does when it is due. */
  const renewPush = () => ensurePushChannels(stack.deps, connectionId);
  const busyAt = async (hours: number) => {
    const answer = await call(stack, 'POST', '/v1/freebusy', {
      token,
      body: { userIds: ['selma'], from: inHours(hours), to: inHours(hours + 1) },
    });
    expect(answer.status).toBe(200);
    return answer.body.users[0].busy as Array<{ start: string; end: string }>;
  };

  it('lists the account calendars from the provider: only the primary syncs and receives meetings at first', async () => {
    const listed = await call(stack, 'GET', `/v1/connections/${connectionId}/calendars`, { token });
    expect(listed.status).toBe(200);
    expect(listed.body.refreshed).toBe(true);
    const byId = Object.fromEntries(listed.body.calendars.map((c: { externalCalendarId: string }) => [c.externalCalendarId, c]));
    expect(Object.keys(byId).sort()).toEqual([primary, team, holidays].sort());
    expect(byId[primary]).toMatchObject({ isPrimary: true, sync: true, writeTarget: true, canWrite: true });
    expect(byId[team]).toMatchObject({
      name: 'Team',
      timeZone: 'Europe/Berlin',
      isPrimary: false,
      sync: false,
      writeTarget: false,
      canWrite: true,
    });
    expect(byId[holidays]).toMatchObject({ sync: false, canWrite: false });
    expect(await titles()).not.toContain('Team offsite');
    expect(await busyAt(50)).toEqual([]);
  });

  it("rejects selections that are not this account's calendars or not writable, changing nothing", async () => {
    // Only the owner's choices (sync cursors move with the workflow's own syncs meanwhile).
    const choices = () =>
      stack.deps.db.connectionCalendar.findMany({
        where: { connectionId },
        orderBy: { id: 'asc' },
        select: { externalCalendarId: true, syncEnabled: true, isWriteTarget: true, updatedAt: true },
      });
    const before = await choices();
    const cases: Array<[unknown, string]> = [
      [{ sync: [primary, 'someone-else@group.calendar.google.com'] }, 'body.sync.1'],
      [{ writeTarget: holidays }, 'body.writeTarget'],
      [{ writeTarget: 'nope' }, 'body.writeTarget'],
      [{ sync: [] }, 'body.sync'],
      [{}, 'body'],
      [{ sync: [primary], extra: true }, 'body'],
    ];
    for (const [body, field] of cases) {
      const answer = await call(stack, 'PATCH', `/v1/connections/${connectionId}/calendars`, { token, body });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details[0].field.startsWith(field)).toBe(true);
    }
    const viewer = await tokenFor(stack, 'acme', 'selma', [PERMISSIONS.view]);
    expect(
      (await call(stack, 'PATCH', `/v1/connections/${connectionId}/calendars`, { token: viewer, body: { sync: [primary] } })).status,
    ).toBe(403);
    const other = await tokenFor(stack, 'acme', 'other');
    expect(
      (await call(stack, 'PATCH', `/v1/connections/${connectionId}/calendars`, { token: other, body: { sync: [primary] } })).status,
    ).toBe(404);
    expect((await call(stack, 'GET', `/v1/connections/${connectionId}/calendars`, { token: other })).status).toBe(404);
    expect(await choices()).toEqual(before);
  });

  it('starts syncing a newly selected calendar at once, with free/busy and push channels following', async () => {
    const selected = await call(stack, 'PATCH', `/v1/connections/${connectionId}/calendars`, { token, body: { sync: [primary, team] } });
    expect(selected.status).toBe(200);
    expect(
      selected.body.calendars
        .filter((c: { sync: boolean }) => c.sync)
        .map((c: { externalCalendarId: string }) => c.externalCalendarId)
        .sort(),
    ).toEqual([primary, team].sort());
    await eventually(titles, (list) => list.includes('Team offsite'), 'secondary calendar synced');
    const offsite = (await stack.deps.db.calendarEvent.findFirst({ where: { connectionId, title: 'Team offsite' } }))!;
    expect(offsite.externalCalendarId).toBe(team);
    expect(await busyAt(50)).toEqual([{ start: inHours(50), end: inHours(51) }]);

    // The workflow creates the new calendar's push channel right after the selection change (and leaves
    // the primary's alone).
    await eventually(
      async () => (await activeChannels()).map((c) => c.externalCalendarId).sort(),
      (ids) => ids.length === 2 && ids.includes(team),
      'push channel of the newly selected calendar',
    );
    expect((await activeChannels()).map((c) => c.externalCalendarId).sort()).toEqual([primary, team].sort());
    expect(stack.google.listPushChannels(email)).toHaveLength(2);
    // A change in the newly selected calendar arrives through its push channel.
    stack.google.seedEvent(email, timed('Team lunch', 52), team);
    await eventually(titles, (list) => list.includes('Team lunch'), 'pushed change of the secondary calendar');
  });

  it('stops syncing a deselected calendar: its channel stops at once, its events leave feeds and free/busy', async () => {
    const deselected = await call(stack, 'PATCH', `/v1/connections/${connectionId}/calendars`, { token, body: { sync: [primary] } });
    expect(deselected.status).toBe(200);
    expect((await activeChannels()).map((c) => c.externalCalendarId)).toEqual([primary]);
    expect(stack.google.listPushChannels(email)).toHaveLength(1);
    expect(await busyAt(50)).toEqual([]);

    // Rows are kept (re-selecting resumes from the stored cursor) but new changes no longer sync.
    expect(await titles()).toContain('Team offsite');
    const before = await lastSyncAt();
    stack.google.seedEvent(email, timed('After deselect', 54), team);
    await call(stack, 'POST', `/v1/connections/${connectionId}/sync`, { token });
    await eventually(lastSyncAt, (at) => at !== before, 'a sync after deselecting');
    expect(await titles()).not.toContain('After deselect');

    const feed = await call(stack, 'POST', '/v1/feeds', { token, body: { connectionId, visibility: 'private' } });
    const text = await (await fetch(feed.body.url)).text();
    expect(text).toContain('Primary meeting');
    expect(text).not.toContain('Team offsite');

    // The renewal step keeps it that way.
    await renewPush();
    expect((await activeChannels()).map((c) => c.externalCalendarId)).toEqual([primary]);
  });

  it('writes scheduled meetings to the chosen writable calendar', async () => {
    const chosen = await call(stack, 'PATCH', `/v1/connections/${connectionId}/calendars`, { token, body: { writeTarget: team } });
    expect(chosen.status).toBe(200);
    expect(
      chosen.body.calendars
        .filter((c: { writeTarget: boolean }) => c.writeTarget)
        .map((c: { externalCalendarId: string }) => c.externalCalendarId),
    ).toEqual([team]);
    const scheduled = await call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, {
      token,
      body: { title: 'Into the team calendar', start: inHours(60) },
      headers: { 'idempotency-key': 'write-target-0001' },
    });
    expect(scheduled.status).toBe(201);
    expect(scheduled.body.calendarId).toBe(team);
    expect(stack.google.listEvents(email, team).map((event) => event.title)).toContain('Into the team calendar');
    expect(stack.google.listEvents(email).map((event) => event.title)).not.toContain('Into the team calendar');
  });
});
