// The reported attack, on the real stack: `PATCH .../occurrences/9999-12-31T07:00:00Z` against a daily
// series took 8, 16 and 24 s and blocked the worker for every organization. Now an address outside the
// series is a 404 at once (no expansion at all), a rule that never matches is refused with a 400 naming
// the field after at most one work budget, and another organization's sync runs meanwhile. No clock is
// read: the work is counted (recurrenceWorkSpent, days looked at), and one budget is what limits.ts says.
import { recurrenceWorkSpent } from '../../domain/recurrence/occurrences';
import { RECURRENCE_LIMITS } from '../../domain/recurrence/limits';
import type { EventTime } from '../../domain/events';
import { call, connectThroughApi, eventually, tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';

const HOUR = 3_600_000;

describe('no request makes the service expand a recurrence without bound', () => {
  let stack: TestStack;
  let keys = 0;
  const key = () => `unbounded-${++keys}`;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function dailySeries(org: string, user: string, email: string) {
    stack.google.ensureAccount(email);
    const firstMs = Math.floor(Date.now() / HOUR) * HOUR + 24 * HOUR;
    const at = (ms: number): EventTime => ({ kind: 'dateTime', dateTime: new Date(ms).toISOString(), timeZone: 'Europe/Berlin' });
    const masterId = stack.google.seedEvent(email, {
      title: 'Daily stand-up',
      start: at(firstMs),
      end: at(firstMs + HOUR / 4),
      recurrence: ['RRULE:FREQ=DAILY'],
    });
    const token = await tokenFor(stack, org, user);
    const { connectionId } = await connectThroughApi(stack, { token, provider: 'google', email });
    await eventually(
      () => stack.workflows.status(connectionId),
      (status) => status?.lastSync?.outcome === 'ok',
      'the first sync',
    );
    const master = await stack.deps.db.calendarEvent.findFirstOrThrow({ where: { connectionId, externalEventId: masterId } });
    return { token, connectionId, master, firstMs };
  }

  it('404s at once outside the series, 400s a never-matching rule, and another tenant syncs meanwhile', async () => {
    const attacker = await dailySeries('acme', 'mallory', 'mallory@example.com');
    const victim = await dailySeries('globex', 'victor', 'victor@example.com');
    const victimSyncsBefore = (await stack.workflows.status(victim.connectionId))?.lastSync?.at;

    const path = (originalStart: string) =>
      `/v1/connections/${attacker.connectionId}/events/${attacker.master.id}/occurrences/${originalStart}`;
    const patch = (target: string, body: unknown) =>
      call(stack, 'PATCH', target, { token: attacker.token, body, headers: { 'idempotency-key': key() } });

    // The reported requests, three at once.
    const workBefore = recurrenceWorkSpent();
    const far = await Promise.all([1, 2, 3].map(() => patch(path('9999-12-31T07:00:00Z'), { title: 'x' })));
    expect(far.map((answer) => answer.status)).toEqual([404, 404, 404]);
    expect(far[0]!.body.error).toMatchObject({ code: 'not_found', message: 'Occurrence not found' });
    // Past the horizon: nothing was expanded for them at all.
    expect(recurrenceWorkSpent() - workBefore).toBe(0);
    // Before the series' first occurrence, likewise.
    expect((await patch(path(new Date(attacker.firstMs - 24 * HOUR).toISOString()), { title: 'x' })).status).toBe(404);
    expect(recurrenceWorkSpent() - workBefore).toBe(0);

    // The other organization asks for a sync while the attacker goes on.
    const victimSync = call(stack, 'POST', `/v1/connections/${victim.connectionId}/sync`, { token: victim.token });
    // Inside the horizon but not an occurrence (half past): found out within one budget.
    const offGrid = await patch(path(new Date(attacker.firstMs + 400 * 24 * HOUR + HOUR / 2).toISOString()), { title: 'x' });
    expect(offGrid.status).toBe(404);

    // A rule that never yields a date (30 February): a 400 naming the field, after at most a budget's work.
    const never = await call(stack, 'PATCH', `/v1/connections/${attacker.connectionId}/events/${attacker.master.id}`, {
      token: attacker.token,
      body: { recurrence: ['RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30'] },
      headers: { 'idempotency-key': key() },
    });
    expect(never.status).toBe(400);
    expect(never.body.error.details).toEqual([{ field: 'body.recurrence', message: expect.stringMatching(/yields no occurrence/) }]);
    // Rules this service does not expand are refused the same way, with the part named.
    const hourly = await call(stack, 'PATCH', `/v1/connections/${attacker.connectionId}/events/${attacker.master.id}`, {
      token: attacker.token,
      body: { recurrence: ['RRULE:FREQ=YEARLY;BYMONTHDAY=32'] },
      headers: { 'idempotency-key': key() },
    });
    expect(hourly.status).toBe(400);
    expect(hourly.body.error.details[0].field).toBe('body.recurrence');
    const series = await stack.deps.db.calendarEvent.findUniqueOrThrow({ where: { id: attacker.master.id } });
    expect(JSON.parse(series.recurrence!)).toEqual(['RRULE:FREQ=DAILY']);

    // Everything above, and the syncs and reminder plans running meanwhile, stayed within a few budgets.
    expect(recurrenceWorkSpent() - workBefore).toBeLessThanOrEqual(6 * RECURRENCE_LIMITS.workBudget);

    // The other organization's sync ran meanwhile and completed.
    expect((await victimSync).status).toBe(202);
    await eventually(
      () => stack.workflows.status(victim.connectionId),
      (status) => status?.lastSync?.outcome === 'ok' && status.lastSync.at !== victimSyncsBefore,
      "the other organization's sync",
    );
    // And a real occurrence of the attacker's series is still editable.
    const real = await patch(path(new Date(attacker.firstMs + 2 * 24 * HOUR).toISOString()), { title: 'Stand-up (moved)' });
    expect(real.status).toBe(200);
  });
});
