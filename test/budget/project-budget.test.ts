// 200 connections of one Google project syncing at once stay within the project's request budget, and all
// complete. The Google fake enforces the project and per-user limits on a sliding window (as Google counts)
// and refuses what is over them with 403 rateLimitExceeded / userRateLimitExceeded; the service's budget
// (shared token buckets in the database) has the same numbers, scaled down so the test runs in about two
// minutes: 100 requests per 10 seconds per project, 50 per user. The same burst of calls without a budget
// is refused by the fake, so the numbers do bind. Two token services on one database (two processes' budgets,
// each leasing tokens in batches) stay within the same limits together.
import { GOOGLE_SANDBOX_CLIENT } from '../../fakes/google/server';
import { isProviderError } from '../../providers/errors';
import { createServiceDependencies, type ServiceDependencies } from '../../services/dependencies';
import { withCallContext } from '../../services/provider-budget/call-context';
import type { BudgetLimits } from '../../services/provider-budget/limits';
import { connectionWorkflowId, statusQuery } from '../../workflows/connection/messages';
import { connectThroughApi, tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';
import { TEST_KEYRING } from '../helpers/test-keyring';
import { waitFor } from '../helpers/wait';

const CONNECTIONS = 200;
const WINDOW_MS = 10_000;
const PER_PROJECT = 100;
const PER_USER = 50;

const limits = (perProject: number, perUser: number): BudgetLimits => ({
  google: { perUser: { requests: perUser, windowMs: WINDOW_MS }, perProject: { requests: perProject, windowMs: WINDOW_MS } },
  microsoft: {
    perMailbox: { requests: 10_000, windowMs: 600_000 },
    perApp: { requests: 130_000, windowMs: 10_000 },
    concurrentPerMailbox: 4,
  },
  quotaBackoffMs: 60_000,
});

describe('provider budget: one project, many connections', () => {
  let stack: TestStack;
  const connections: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack({
      // Real providers and an http PUBLIC_URL: no push channels, so the syncs are the whole load.
      providerMode: 'production',
      googleFake: { limits: { perProject: PER_PROJECT, perUser: PER_USER, windowMs: WINDOW_MS } },
      budgetLimits: limits(PER_PROJECT, PER_USER),
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** One listing of the calendars per connection, all at once, through the token service (as activities call). */
  const burst = (deps: ServiceDependencies) =>
    Promise.allSettled(
      connections.map((id) =>
        withCallContext({ priority: 'background', maxWaitMs: 120_000 }, () =>
          deps.tokens.withAccessToken(id, (auth) => deps.providers.get('google').adapter.listCalendars(auth)),
        ),
      ),
    );

  it(`${CONNECTIONS} connections syncing at once stay within the project budget and all complete`, async () => {
    const token = await tokenFor(stack, 'bulk', 'owner');
    // Connected while no worker runs, so every first sync starts at once when it does.
    await stack.stopWorker();
    for (let n = 0; n < CONNECTIONS; n++) {
      const email = `bulk-${n}@example.com`;
      stack.google.ensureAccount(email);
      if (n % 4 === 0) stack.google.seedEvent(email, { title: `Meeting ${n}`, start: at(30 + n), end: at(31 + n) });
      connections.push((await connectThroughApi(stack, { token, provider: 'google', email })).connectionId);
    }
    stack.google.resetUsage();
    await stack.startWorker();

    // Only the connections not yet synced are asked again (200 queries every poll would add load of their
    // own); a query that fails under load is asked again at the next poll.
    const synced = new Map<string, Awaited<ReturnType<typeof statusOf>>>();
    const statusOf = (id: string) => stack.temporal.workflow.getHandle(connectionWorkflowId(id)).query(statusQuery);
    await waitFor(
      async () => {
        const pending = connections.filter((id) => !synced.has(id));
        const answers = await Promise.all(pending.map((id) => statusOf(id).catch(() => undefined)));
        pending.forEach((id, index) => {
          const status = answers[index];
          if (status?.lastSync?.outcome === 'ok') synced.set(id, status);
        });
        return synced.size;
      },
      (count) => count === CONNECTIONS,
      { what: 'every first sync', timeoutMs: 600_000, intervalMs: 5_000 },
    );
    expect([...synced.values()].every((status) => status.health === 'active')).toBe(true);
    const usage = stack.google.usageStats();
    // Google refused nothing: the service never went over a limit.
    expect(usage.refused).toBe(0);
    expect(usage.perProject[GOOGLE_SANDBOX_CLIENT.clientId]!).toBeLessThanOrEqual(PER_PROJECT);
    expect(Math.max(...Object.values(usage.perUser))).toBeLessThanOrEqual(PER_USER);
    expect(await stack.deps.db.calendarEvent.count({ where: { connectionId: { in: connections } } })).toBe(CONNECTIONS / 4);
  }, 900_000);

  it('a burst of every connection calling at once is paced by the budget; without it, Google refuses', async () => {
    stack.google.resetUsage();
    const paced = await burst(stack.deps);
    expect(paced.filter((result) => result.status === 'rejected')).toEqual([]);
    const usage = stack.google.usageStats();
    expect(usage.refused).toBe(0);
    const peak = usage.perProject[GOOGLE_SANDBOX_CLIENT.clientId]!;
    expect(peak).toBeLessThanOrEqual(PER_PROJECT);
    expect(peak).toBeGreaterThan(PER_PROJECT / 2);

    // The same calls with a budget that lets everything through: over Google's limit at once.
    const unbudgeted = createServiceDependencies(stack.deps.config, {
      db: stack.deps.db,
      logger: stack.deps.logger,
      keyring: TEST_KEYRING,
      providers: stack.deps.providers,
      budgetLimits: limits(10_000_000, 10_000_000),
    });
    stack.google.resetUsage();
    const unpaced = await burst(unbudgeted);
    const refused = unpaced.filter((result) => result.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((result) => isProviderError((result as PromiseRejectedResult).reason, 'rate_limited'))).toBe(true);
    expect(stack.google.usageStats().refused).toBeGreaterThan(0);
  }, 240_000);

  it('two token services (two processes, each leasing tokens in batches) together stay within the project and user limits', async () => {
    // A second process's dependencies on the same database: its own budget, leases and token service.
    const other = createServiceDependencies(stack.deps.config, {
      db: stack.deps.db,
      logger: stack.deps.logger,
      keyring: TEST_KEYRING,
      providers: stack.deps.providers,
      budgetLimits: limits(PER_PROJECT, PER_USER),
    });
    // Three accounts, 60 calls each (over the per-user limit of 50 per window), 180 in all (over the project's
    // 100), spread over both processes.
    const token = await tokenFor(stack, 'pair', 'owner');
    const own: string[] = [];
    for (let n = 0; n < 3; n++) {
      stack.google.ensureAccount(`pair-${n}@example.com`);
      own.push((await connectThroughApi(stack, { token, provider: 'google', email: `pair-${n}@example.com` })).connectionId);
    }
    const calls = own.flatMap((id) => Array.from({ length: 60 }, () => id));
    stack.google.resetUsage();
    const results = await Promise.allSettled(
      calls.map((id, n) =>
        withCallContext({ priority: 'background', maxWaitMs: 120_000 }, () => {
          const deps = n % 2 === 0 ? stack.deps : other;
          return deps.tokens.withAccessToken(id, (auth) => deps.providers.get('google').adapter.listCalendars(auth));
        }),
      ),
    );
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    const usage = stack.google.usageStats();
    expect(usage.refused).toBe(0);
    expect(usage.perProject[GOOGLE_SANDBOX_CLIENT.clientId]!).toBeLessThanOrEqual(PER_PROJECT);
    expect(Math.max(...Object.values(usage.perUser))).toBeLessThanOrEqual(PER_USER);
    // The limits did bind: each account's 60 calls needed more than one window (and all within the 30 s request timeout).
    expect(Math.max(...Object.values(usage.perUser))).toBeGreaterThan(PER_USER / 2);
  }, 240_000);

  it("an account still connects while the project's Calendar budget is used up: userinfo is no Calendar API call", async () => {
    // As Google counts: its OpenID userinfo endpoint is outside the Calendar API's quotas (the fake counts only
    // /calendar/v3), so a burst of syncs using up the project must not fail the people connecting meanwhile.
    await stack.deps.budget.block({ provider: 'google', project: 'platform' }, 'rate_limited', 60);
    const token = await tokenFor(stack, 'connect-during-burst', 'owner');
    stack.google.ensureAccount('connect-during-burst@example.com');
    await expect(connectThroughApi(stack, { token, provider: 'google', email: 'connect-during-burst@example.com' })).resolves.toEqual({
      connectionId: expect.any(String),
    });
  }, 60_000);
});

function at(hoursFromNow: number) {
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  return { kind: 'dateTime' as const, dateTime: new Date(hour + hoursFromNow * 3_600_000).toISOString(), timeZone: 'UTC' };
}
