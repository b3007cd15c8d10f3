// The provider budget on a real database (SQLite here; PostgreSQL where TEST_POSTGRES_URL is set): token
// buckets shared by every process (two budgets on one database stand for two processes), interactive calls
// ahead of background ones, and a provider's "stop" (quota exhausted) blocking the account everywhere.
import { ProviderBudget } from '../../services/provider-budget/budget';
import { withCallContext } from '../../services/provider-budget/call-context';
import type { BudgetLimits, BudgetScope } from '../../services/provider-budget/limits';
import { isProviderError } from '../../providers/errors';
import { createTestDatabase, testProviders, type TestDatabase } from '../helpers/database';

const limits = (perProject: number, windowMs: number): BudgetLimits => ({
  google: { perUser: { requests: 1_000, windowMs }, perProject: { requests: perProject, windowMs } },
  microsoft: { perMailbox: { requests: 1_000, windowMs }, perApp: { requests: 1_000, windowMs }, concurrentPerMailbox: 2 },
  quotaBackoffMs: 60_000,
});

let project = 'project-0';
/** Each test its own project: buckets live in the shared database. */
const nextProject = () => (project = `project-${Math.random().toString(36).slice(2)}`);
const scope = (account: string): BudgetScope => ({ provider: 'google', project, account });

describe.each(testProviders())('provider budget (%s)', (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ provider });
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  it('an account the provider blocked for its quota fails fast, in every process', async () => {
    nextProject();
    const one = new ProviderBudget(database.db, limits(100, 1_000));
    const two = new ProviderBudget(database.db, limits(100, 1_000));
    await one.block(scope('blocked@example.com'), 'quota_exhausted', 60);
    const started = Date.now();
    const error = await withCallContext({ priority: 'background', maxWaitMs: 30_000 }, () =>
      two.meterFor(scope('blocked@example.com')).acquire(),
    ).catch((e: unknown) => e);
    expect(isProviderError(error, 'quota_exhausted')).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Another account of the same project is not affected.
    const release = await two.meterFor(scope('other@example.com')).acquire();
    release();
  });
});

describe.each(testProviders())('provider budget: limits and priorities (%s)', (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ provider });
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  /** Acquires `count` requests, spread over `processes` budgets on one database; returns when each was let through. */
  async function drive(processes: ProviderBudget[], count: number, account: (n: number) => string): Promise<number[]> {
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: count }, (_, n) =>
        withCallContext({ priority: 'background', maxWaitMs: 60_000 }, async () => {
          const release = await processes[n % processes.length]!.meterFor(scope(account(n))).acquire();
          times.push(Date.now());
          release();
        }),
      ),
    );
    return times.sort((a, b) => a - b);
  }

  /** The most requests in any window of `windowMs` (a sliding window, as Google counts). */
  function maxInWindow(times: number[], windowMs: number): number {
    let max = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= windowMs) j++;
      max = Math.max(max, i - j + 1);
    }
    return max;
  }

  it('two processes sharing one project stay within its limit in every sliding window', async () => {
    nextProject();
    const windowMs = 1_000;
    const one = new ProviderBudget(database.db, limits(20, windowMs));
    const two = new ProviderBudget(database.db, limits(20, windowMs));
    const times = await drive([one, two], 60, (n) => `user${n % 7}@example.com`);
    expect(times).toHaveLength(60);
    expect(maxInWindow(times, windowMs)).toBeLessThanOrEqual(20);
  });

  it('interactive calls go ahead of waiting background ones', async () => {
    nextProject();
    const budget = new ProviderBudget(database.db, limits(10, 1_000));
    const order: string[] = [];
    const background = Array.from({ length: 12 }, (_, n) =>
      withCallContext({ priority: 'background', maxWaitMs: 60_000 }, async () => {
        (await budget.meterFor(scope('bg@example.com')).acquire())();
        order.push(`background ${n}`);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const interactive = withCallContext({ priority: 'interactive', maxWaitMs: 60_000 }, async () => {
      (await budget.meterFor(scope('person@example.com')).acquire())();
      order.push('interactive');
    });
    await Promise.all([...background, interactive]);
    // The burst went to the background callers already there; the interactive one is next in line, not last.
    expect(order.indexOf('interactive')).toBeLessThan(order.length / 2);
  });

  it('Graph: at most the configured number of requests at once per mailbox, across processes', async () => {
    const mailbox: BudgetScope = { provider: 'microsoft', project: nextProject(), account: 'box@example.com' };
    const budgets = [new ProviderBudget(database.db, limits(1_000, 1_000)), new ProviderBudget(database.db, limits(1_000, 1_000))];
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        withCallContext({ priority: 'background', maxWaitMs: 60_000 }, async () => {
          const release = await budgets[n % 2]!.meterFor(mailbox).acquire();
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setTimeout(resolve, 40));
          active -= 1;
          release();
        }),
      ),
    );
    expect(peak).toBe(2);
  });

  it('Graph: a $batch holds as many slots as Graph runs at once, so it never overlaps past the mailbox limit', async () => {
    const mailbox: BudgetScope = { provider: 'microsoft', project: nextProject(), account: 'batch@example.com' };
    const many = { ...limits(1_000, 1_000), microsoft: { ...limits(1_000, 1_000).microsoft, concurrentPerMailbox: 4 } };
    const budgets = [new ProviderBudget(database.db, many), new ProviderBudget(database.db, many)];
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        withCallContext({ priority: 'background', maxWaitMs: 60_000 }, async () => {
          // Every third call is a $batch of 20 requests: Graph runs four of them at once.
          const weight = n % 3 === 0 ? 4 : 1;
          const release = await budgets[n % 2]!.meterFor(mailbox).acquire(weight === 4 ? 20 : 1);
          active += weight;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setTimeout(resolve, 30));
          active -= weight;
          release();
        }),
      ),
    );
    expect(peak).toBeLessThanOrEqual(4);
  });

  it("no budget within the call's wait: a rate limit with the time to wait, not an endless stall", async () => {
    nextProject();
    const budget = new ProviderBudget(database.db, limits(2, 60_000));
    const meter = budget.meterFor(scope('impatient@example.com'));
    await withCallContext({ priority: 'interactive', maxWaitMs: 200 }, async () => {
      (await meter.acquire())();
      const error = await meter.acquire().catch((e: unknown) => e);
      expect(isProviderError(error, 'rate_limited')).toBe(true);
      expect((error as { details: { code?: string; retryAfterSeconds?: number } }).details).toMatchObject({ code: 'budget_exhausted' });
      expect(meter.refusal).toBe(error);
    });
  });
});
