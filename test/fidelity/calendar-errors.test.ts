// Calendar-level failures on the real stack (production adapters against the fakes, the workflow, the API):
// a 403 on one calendar (Graph ErrorAccessDenied on a shared calendar the grant does not reach) is shown on
// that calendar while the connection stays active, and a calendar deleted or unshared at the provider (404)
// is dropped from the selection with its reason and its events marked gone, while the others keep syncing.
// Before: Graph's 403 sent the whole connection to needs_reconnect, and a 404 failed every later sync.
import { call, tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';
import { connect, timed } from './fidelity-helpers';

describe('calendar-level errors', () => {
  let stack: TestStack;
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack();
    token = await tokenFor(stack, 'acme', 'carla');
  });
  afterAll(async () => {
    await stack?.close();
  });

  const liveTitles = async (connectionId: string) =>
    (await stack.deps.db.calendarEvent.findMany({ where: { connectionId, status: { not: 'cancelled' } } })).map((row) => row.title).sort();

  const selectForSync = async (connectionId: string, calendarIds: string[]) => {
    const answer = await call(stack, 'PATCH', `/v1/connections/${connectionId}/calendars`, { token, body: { sync: calendarIds } });
    expect(answer.status).toBe(200);
  };

  it("microsoft: a 403 ErrorAccessDenied on a shared calendar is that calendar's error; the connection stays active", async () => {
    const email = 'shared-403@example.com';
    const primary = stack.microsoft.ensureAccount(email);
    const shared = stack.microsoft.addCalendar(email, { name: "Boss's calendar" });
    stack.microsoft.seedEvent(email, timed('Own meeting', 30));
    stack.microsoft.seedEvent(email, timed('Boss meeting', 40), shared);
    const connection = await connect(stack, { token, provider: 'microsoft', email });
    await selectForSync(connection.connectionId, [primary, shared]);
    await connection.sync();
    expect(await liveTitles(connection.connectionId)).toEqual(['Boss meeting', 'Own meeting']);

    // The delegation ends (or the grant lacks Calendars.Read.Shared): Graph answers 403 for that calendar only.
    stack.microsoft.setCalendarAccess(email, shared, 'denied');
    stack.microsoft.seedEvent(email, timed('Another own meeting', 50));
    const status = await connection.sync();
    expect(status.health).toBe('active');
    expect(status.lastSync?.outcome).toBe('ok');
    expect(status.calendarIssues).toEqual([
      expect.objectContaining({ calendarId: shared, name: "Boss's calendar", code: 'permission_denied', removed: false }),
    ]);
    // The primary calendar kept syncing; the shared one's events stay as they were (nothing is known to be gone).
    expect(await liveTitles(connection.connectionId)).toEqual(['Another own meeting', 'Boss meeting', 'Own meeting']);
    const view = await connection.view();
    expect(view.status).toBe('active');
    expect(view.calendarIssues).toEqual([expect.objectContaining({ calendarId: shared, code: 'permission_denied' })]);

    // Access comes back: the error clears.
    stack.microsoft.setCalendarAccess(email, shared, 'granted');
    expect((await connection.sync()).calendarIssues).toEqual([]);
  });

  it.each(['google', 'microsoft'] as const)(
    '%s: a synced calendar deleted at the provider is dropped with its reason, its events gone, the others sync on',
    async (provider) => {
      const fake = provider === 'google' ? stack.google : stack.microsoft;
      const email = `gone-${provider}@example.com`;
      const primary = fake.ensureAccount(email);
      const team = fake.addCalendar(email, { name: 'Team' });
      fake.seedEvent(email, timed('Primary one', 30));
      fake.seedEvents(email, [timed('Team one', 31), timed('Team two', 32)], team);
      const connection = await connect(stack, { token, provider, email });
      await selectForSync(connection.connectionId, [primary, team]);
      await connection.sync();
      expect(await liveTitles(connection.connectionId)).toEqual(['Primary one', 'Team one', 'Team two']);

      fake.deleteCalendar(email, team);
      fake.seedEvent(email, timed('Primary two', 33));
      const status = await connection.sync();
      expect(status.lastSync?.outcome).toBe('ok');
      expect(status.health).toBe('active');
      expect(status.calendarIssues).toEqual([
        expect.objectContaining({ calendarId: team, name: 'Team', code: 'deleted_or_unshared_at_provider', removed: true }),
      ]);
      expect(await liveTitles(connection.connectionId)).toEqual(['Primary one', 'Primary two']);
      const row = await stack.deps.db.connectionCalendar.findFirstOrThrow({
        where: { connectionId: connection.connectionId, externalCalendarId: team },
      });
      expect(row).toMatchObject({ syncEnabled: false, isWriteTarget: false, removedReason: 'deleted_or_unshared_at_provider' });
      // Each gone event says so in its history.
      const teamRow = await stack.deps.db.calendarEvent.findFirstOrThrow({
        where: { connectionId: connection.connectionId, title: 'Team one' },
      });
      expect(teamRow.status).toBe('cancelled');

      // And the next sync is just a sync (before, every one failed with not_found until the owner re-selected).
      const next = await connection.sync();
      expect(next.lastSync?.outcome).toBe('ok');
      expect(next.lastError?.code).not.toBe('not_found');
    },
  );
});
