// npm run bench:freebusy — POST /v1/freebusy for 50 users over one week, answered from their synced events
// (every calendar synced, push live): N sandbox Google accounts with a week of meetings each (and a daily
// series), connected through the real OAuth flow, first sync and push channel done; then the request, one at
// a time (`--requests`), p50/p95/p99. In the same run, the baseline: the same 50 calendars asked from the
// provider fake directly (adapter.freeBusy per account, 8 at a time as the API asks providers), i.e. what
// a provider-only answer costs at the least. Also counts the free/busy calls the fake received during the
// synced run (0: nothing was asked of the provider).
// Knobs: --users (BENCH_FREEBUSY_USERS, 50)  --requests (BENCH_FREEBUSY_REQUESTS, 200)  --postgres URL
import { formatMs, machineLine, percentile, pollUntil } from '../lib/measure';
import { numberOption } from '../lib/options';
import { startBenchService } from '../lib/service';
import { mapWithConcurrency } from '../../services/bounded-concurrency';
import { unmeteredAuth } from '../../providers/unmetered';
import { runBenchmark } from '../lib/run-benchmark';

const USERS = numberOption('users', 'BENCH_FREEBUSY_USERS', 50);
const REQUESTS = numberOption('requests', 'BENCH_FREEBUSY_REQUESTS', 200);
const ORG = 'bench-org';
const DAY = 86_400_000;

async function connectWithRetries<T>(connect: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect();
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

function stats(values: number[]) {
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) };
}

async function main(): Promise<void> {
  console.log(`bench:freebusy — ${new Date().toISOString()} — ${USERS} users, one week, ${REQUESTS} requests — ${machineLine()}`);
  const service = await startBenchService();
  try {
    const weekStart = Math.ceil(Date.now() / DAY) * DAY + DAY;
    const window = { from: new Date(weekStart).toISOString(), to: new Date(weekStart + 7 * DAY).toISOString() };
    const at = (ms: number) => ({ kind: 'dateTime' as const, dateTime: new Date(ms).toISOString(), timeZone: 'UTC' });
    const accounts: Array<{ connectionId: string; email: string; accessToken: string }> = [];
    for (let i = 0; i < USERS; i++) {
      const email = `busy${i}@bench.example.com`;
      service.google.ensureAccount(email);
      // Two meetings a working day, one private, one shown as free, and a daily series.
      for (let day = 0; day < 7; day++) {
        const base = weekStart + day * DAY + ((i % 8) + 8) * 3_600_000;
        service.google.seedEvent(email, { title: `Meeting ${day}a`, start: at(base), end: at(base + 3_600_000) });
        service.google.seedEvent(email, {
          title: `Meeting ${day}b`,
          private: true,
          start: at(base + 7_200_000),
          end: at(base + 9_000_000),
        });
        service.google.seedEvent(email, { title: `Focus ${day}`, free: true, start: at(base + 10_800_000), end: at(base + 12_600_000) });
      }
      service.google.seedEvent(email, {
        title: 'Stand-up',
        start: at(weekStart - 3 * DAY + 9 * 3_600_000),
        end: at(weekStart - 3 * DAY + 9.25 * 3_600_000),
        recurrence: ['RRULE:FREQ=DAILY;COUNT=30'],
      });
      const { connectionId } = await connectWithRetries(() =>
        service.connect({ provider: 'google', email, organizationId: ORG, userId: `user${i}` }),
      );
      accounts.push({ connectionId, email, accessToken: '' });
    }
    const ids = accounts.map((account) => account.connectionId);
    const ready = await pollUntil(
      async () => {
        const [synced, pushed] = await Promise.all([
          service.deps.db.connectionCalendar.count({ where: { connectionId: { in: ids }, lastSyncAt: { not: null } } }),
          service.deps.db.pushChannel.count({ where: { connectionId: { in: ids }, status: 'active' } }),
        ]);
        return { synced, pushed };
      },
      ({ synced, pushed }) => synced >= USERS && pushed >= USERS,
      { timeoutMs: 300_000, intervalMs: 500 },
    );
    if (!ready.ok) throw new Error(`not all synced with push live: ${JSON.stringify(ready.value)}`);
    for (const account of accounts)
      account.accessToken = await service.deps.tokens.withAccessToken(account.connectionId, async (auth) => auth.accessToken);

    const token = await service.signToken({ org: ORG, user: 'planner', permissions: ['ce.calendar.view'] });
    const userIds = accounts.map((_, i) => `user${i}`);
    const ask = async () => {
      const started = performance.now();
      const response = await fetch(`${service.apiUrl}/v1/freebusy`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userIds, ...window }),
      });
      const body = (await response.json()) as { users: Array<{ busy: unknown[]; sources: Array<{ source: string }> }> };
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      return { ms: performance.now() - started, body };
    };
    for (let i = 0; i < 10; i++) await ask(); // warm-up
    const fakeCallsBefore = service.google.requests().filter((request) => request.path.includes('freeBusy')).length;
    const synced: number[] = [];
    let sources = new Map<string, number>();
    let blocks = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const { ms, body } = await ask();
      synced.push(ms);
      sources = new Map();
      blocks = 0;
      for (const user of body.users) {
        blocks += user.busy.length;
        for (const source of user.sources) sources.set(source.source, (sources.get(source.source) ?? 0) + 1);
      }
    }
    const fakeCalls = service.google.requests().filter((request) => request.path.includes('freeBusy')).length - fakeCallsBefore;

    const adapter = service.deps.providers.get('google').adapter;
    const baseline: number[] = [];
    for (let i = 0; i < Math.min(REQUESTS, 50); i++) {
      const started = performance.now();
      await mapWithConcurrency(accounts, 8, (account) =>
        adapter.freeBusy(unmeteredAuth(account.accessToken), { emails: [account.email], timeMin: window.from, timeMax: window.to }),
      );
      baseline.push(performance.now() - started);
    }
    const a = stats(synced);
    const b = stats(baseline);
    console.log(
      `  synced rows (API, ${service.databaseKind}): p50 ${formatMs(a.p50)}, p95 ${formatMs(a.p95)}, p99 ${formatMs(a.p99)}; ` +
        `sources ${JSON.stringify(Object.fromEntries(sources))}; ${blocks} busy blocks per answer; ` +
        `${fakeCalls} free/busy calls at the provider`,
    );
    console.log(
      `  baseline (adapter.freeBusy for the ${USERS} accounts, 8 at a time, no API): p50 ${formatMs(b.p50)}, p95 ${formatMs(b.p95)}, ` +
        `p99 ${formatMs(b.p99)}; ${machineLine()}`,
    );
    console.log(`RESULT freebusy_50_users_week_synced_p50 ${a.p50.toFixed(1)} ms`);
    console.log(`RESULT freebusy_50_users_week_synced_p99 ${a.p99.toFixed(1)} ms`);
    console.log(`RESULT freebusy_50_users_week_provider_only_p99 ${b.p99.toFixed(1)} ms`);
  } finally {
    await service.close();
  }
}

runBenchmark(main);
