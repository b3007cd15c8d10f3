// 200 connections of one Google project syncing at once stay within the project's request budget, and all
// complete. The Google fake enforces the project and per-user limits on a sliding window (as Google counts)
// and refuses what is over them with 403 rateLimitExceeded / userRateLimitExceeded; the service's budget
// (shared token buckets in the database) is configured with the same numbers, scaled down so the test runs
// in a minute: 200 requests per 10 seconds per project, 100 per user.
import { GOOGLE_SANDBOX_CLIENT } from '../../fakes/google/server';
import { connectionWorkflowId, statusQuery } from '../../workflows/connection/messages';
import { tokenFor, connectThroughApi } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const CONNECTIONS = 200;
const WINDOW_MS = 10_000;
const PER_PROJECT = 200;
const PER_USER = 100;

describe('provider budget: one project, many connections', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({
      googleFake: { limits: { perProject: PER_PROJECT, perUser: PER_USER, windowMs: WINDOW_MS } },
      budgetLimits: {
        google: { perUser: { requests: PER_USER, windowMs: WINDOW_MS }, perProject: { requests: PER_PROJECT, windowMs: WINDOW_MS } },
        microsoft: {
          perMailbox: { requests: 10_000, windowMs: 600_000 },
          perApp: { requests: 130_000, windowMs: 10_000 },
          concurrentPerMailbox: 4,
        },
        quotaBackoffMs: 60_000,
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it(`${CONNECTIONS} connections syncing at once stay within the project budget and all complete`, async () => {
    const token = await tokenFor(stack, 'bulk', 'owner');
    // Connected while no worker runs, so every first sync (calendar list, events, push channel) starts at once.
    await stack.stopWorker();
    const connections: string[] = [];
    for (let n = 0; n < CONNECTIONS; n++) {
      const email = `bulk-${n}@example.com`;
      stack.google.ensureAccount(email);
      if (n % 4 === 0) stack.google.seedEvent(email, { title: `Meeting ${n}`, start: at(30 + n), end: at(31 + n) });
      connections.push((await connectThroughApi(stack, { token, provider: 'google', email })).connectionId);
    }
    stack.google.clearRequests();
    await stack.startWorker();

    const statuses = await waitFor(
      () => Promise.all(connections.map((id) => stack.temporal.workflow.getHandle(connectionWorkflowId(id)).query(statusQuery))),
      (all) => all.every((status) => status.lastSync?.outcome === 'ok' && !!status.pushChannelExpiresAt),
      { what: 'every first sync and push channel', timeoutMs: 240_000, intervalMs: 2_000 },
    );
    expect(statuses.every((status) => status.health === 'active')).toBe(true);

    const usage = stack.google.usageStats();
    // Google refused nothing: the service never went over a limit.
    expect(usage.refused).toBe(0);
    const projectPeak = usage.perProject[GOOGLE_SANDBOX_CLIENT.clientId]!;
    expect(projectPeak).toBeLessThanOrEqual(PER_PROJECT);
    // ...and the budget was what paced them (not a slow machine): it used most of the project's window.
    expect(projectPeak).toBeGreaterThan(PER_PROJECT / 2);
    expect(Math.max(...Object.values(usage.perUser))).toBeLessThanOrEqual(PER_USER);
    expect(stack.google.requests().filter((request) => request.status === 403)).toEqual([]);
    expect(await stack.deps.db.calendarEvent.count({ where: { connectionId: { in: connections } } })).toBe(CONNECTIONS / 4);
  }, 420_000);
});

function at(hoursFromNow: number) {
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  return { kind: 'dateTime' as const, dateTime: new Date(hour + hoursFromNow * 3_600_000).toISOString(), timeZone: 'UTC' };
}
