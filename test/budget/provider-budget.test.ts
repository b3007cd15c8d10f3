// The provider budget on a real database (SQLite here; PostgreSQL where TEST_POSTGRES_URL is set): token
// buckets shared by every process (two budgets on one database stand for two processes), interactive calls
// ahead of background ones, and a provider's "stop" (quota exhausted) blocking the account everywhere.
import { ProviderBudget } from '../../services/provider-budget/budget';
import { withCallContext } from '../../services/provider-budget/call-context';
import type { BudgetLimits, BudgetScope } from '../../services/provider-budget/limits';
import { isProviderError } from '../../providers/errors';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const limits = (perProject: number, windowMs: number): BudgetLimits => ({
  google: { perUser: { requests: 1_000, windowMs }, perProject: { requests: perProject, windowMs } },
  microsoft: { perMailbox: { requests: 1_000, windowMs }, perApp: { requests: 1_000, windowMs }, concurrentPerMailbox: 2 },
  quotaBackoffMs: 60_000,
});

const scope = (account: string): BudgetScope => ({ provider: 'google', project: 'platform', account });

describe('provider budget', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ provider: 'sqlite' });
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  it('an account the provider blocked for its quota fails fast, in every process', async () => {
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
