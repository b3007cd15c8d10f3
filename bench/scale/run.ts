// npm run bench:scale — many Google connections held by one worker process (issue 15's 10,000 case):
//   1. N sandbox accounts (a few events each) connected through the OAuth flow, a few at a time;
//   2. every first sync and push channel done;
//   3. a window of --observe-minutes that ends when the last connection's first poll is due: when the first
//      syncs took less than the window, every connection polls once inside it, as densely as in steady state
//      or more (the count is printed). Measured in it: the worker's average CPU, its RSS, the calendars synced,
//      and provider change -> row in the database for one change every few seconds (push on).
// The worker runs as its own process (its CPU and memory alone); the API, the fakes and the driver share this
// process. Knobs (flag or env): --connections (BENCH_CONNECTIONS, 10000), --events-per-connection (3),
// --connect-concurrency (32), --connect-seconds (900), --poll-minutes (15), --observe-minutes (10),
// --change-every-seconds (3), --postgres URL. WORKER_MAX_CACHED_WORKFLOWS and other worker settings pass
// through from the environment.
import { saveSettings } from '../../data/settings';
import { connectMany, describeConnectOutcome, type Connected } from '../lib/connect-many';
import {
  formatMiB,
  formatMs,
  machineLine,
  millisSince,
  now,
  percentile,
  pollUntil,
  readProcessCpuSeconds,
  secondsSince,
  sleep,
} from '../lib/measure';
import { numberOption } from '../lib/options';
import { runBenchmark } from '../lib/run-benchmark';
import { timeProviderChange } from '../lib/provider-change';
import { seedSingleEvents } from '../lib/sandbox-calendar';
import { startBenchService, type BenchService } from '../lib/service';

const CONNECTIONS = numberOption('connections', 'BENCH_CONNECTIONS', 10_000);
const EVENTS = numberOption('events-per-connection', 'BENCH_EVENTS_PER_CONNECTION', 3);
const CONCURRENCY = numberOption('connect-concurrency', 'BENCH_CONNECT_CONCURRENCY', 32);
const CONNECT_SECONDS = numberOption('connect-seconds', 'BENCH_CONNECT_SECONDS', 900);
const POLL_MINUTES = numberOption('poll-minutes', 'BENCH_POLL_MINUTES', 15);
const OBSERVE_MINUTES = numberOption('observe-minutes', 'BENCH_OBSERVE_MINUTES', 10);
const CHANGE_EVERY_SECONDS = numberOption('change-every-seconds', 'BENCH_CHANGE_EVERY_SECONDS', 3);
const ORGANIZATION = 'bench-scale-org';
const SETTLE_TIMEOUT_MS = 15 * 60_000;
const CHANGE_TIMEOUT_MS = 30_000;
const log = (line: string) => console.log(line);

/**
 * Limits that are per source address or per project would measure this one-box setup, not the service: real
 * push notifications come from many Google addresses, and a customer holding 10,000 connections has its
 * project's quota raised. Per-user provider limits stay as they are.
 */
const SCALE_ENV = {
  WEBHOOK_RATE_LIMIT_PER_MINUTE: '1000000',
  GOOGLE_REQUESTS_PER_MINUTE_PER_PROJECT: '1000000',
};

async function waitForFirstSyncs(service: BenchService, count: number) {
  const { db } = service.deps;
  return pollUntil(
    async () => ({
      synced: await db.connectionCalendar.count({ where: { lastSyncAt: { not: null } } }),
      channels: await db.pushChannel.count({ where: { status: 'active' } }),
    }),
    (s) => s.synced >= count && s.channels >= count,
    { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 1000 },
  );
}

/** One provider-side change every few seconds until `until`, each timed until its row is in the database. */
async function timeChanges(service: BenchService, targets: Connected[], until: number) {
  const latencies: number[] = [];
  let missed = 0;
  for (let i = 0; Date.now() < until; i++) {
    const target = targets[(i * 7919) % targets.length]!; // a prime stride visits connections far apart
    const t0 = now();
    const ms = await timeProviderChange(service, target, `Scale change ${i}`, CHANGE_TIMEOUT_MS);
    if (ms !== undefined) latencies.push(ms);
    else missed += 1;
    await sleep(Math.max(0, CHANGE_EVERY_SECONDS * 1000 - millisSince(t0)));
  }
  return { latencies, missed };
}

async function main(): Promise<void> {
  log(`bench:scale — ${new Date().toISOString()} — ${CONNECTIONS} connections, one worker process — ${machineLine()}`);
  const service = await startBenchService({ env: SCALE_ENV });
  const { db } = service.deps;
  const worker = service.worker;
  try {
    const idleRss = worker.rss.current();
    await saveSettings(db, ORGANIZATION, { syncPollIntervalMinutes: POLL_MINUTES }, 'bench');
    const emails = Array.from({ length: CONNECTIONS }, (_, i) => `scale${i}@bench.example.com`);
    for (const [i, email] of emails.entries()) seedSingleEvents(service.google, email, EVENTS, i + 1);

    // 1. Connect.
    const started = now();
    const outcome = await connectMany(service, emails, {
      concurrency: CONCURRENCY,
      boundSeconds: CONNECT_SECONDS,
      attempts: 3,
      organizationId: ORGANIZATION,
    });
    const { connected } = outcome;
    log(describeConnectOutcome(outcome, CONNECTIONS, CONCURRENCY, CONNECT_SECONDS));

    // 2. First syncs and push channels.
    const settled = await waitForFirstSyncs(service, connected.length);
    const lastFirstSync = await db.connectionCalendar.aggregate({ _max: { lastSyncAt: true } });
    log(
      `  first syncs ${settled.value.synced}/${connected.length}, push channels ${settled.value.channels}/${connected.length}, ` +
        `${secondsSince(started).toFixed(0)} s after connecting began${settled.ok ? '' : ' (gave up waiting)'}; ` +
        `worker RSS ${formatMiB(worker.rss.current())} (idle ${formatMiB(idleRss)})`,
    );

    // 3. The observation window: it ends when the last connection's first poll is due (plus a minute for
    //    the spread of first syncs within a second and the polls' own run time).
    const lastSyncMs = lastFirstSync._max.lastSyncAt?.getTime() ?? Date.now();
    const windowEnd = lastSyncMs + POLL_MINUTES * 60_000 + 60_000;
    const windowStart = Math.max(Date.now(), windowEnd - OBSERVE_MINUTES * 60_000);
    log(
      `  waiting ${((windowStart - Date.now()) / 1000).toFixed(0)} s for the window ` +
        `(${OBSERVE_MINUTES} min, ending when the last first poll is due)`,
    );
    await sleep(windowStart - Date.now());
    const cpuStart = readProcessCpuSeconds(worker.pid) ?? 0;
    const windowStartDate = new Date();
    const windowClock = now();
    const changes = await timeChanges(service, connected, windowEnd);
    const windowSeconds = secondsSince(windowClock);
    const cpuSeconds = (readProcessCpuSeconds(worker.pid) ?? cpuStart) - cpuStart;
    const polled = await db.connectionCalendar.count({ where: { lastSyncAt: { gte: windowStartDate } } });

    const cpuPercent = (100 * cpuSeconds) / windowSeconds;
    const rssPeak = worker.highWaterMark() ?? worker.rss.peak();
    const p99 = percentile(changes.latencies, 99);
    log(
      `  window ${windowSeconds.toFixed(0)} s: ${polled}/${connected.length} calendars synced in it ` +
        `(${(polled / windowSeconds).toFixed(1)}/s; steady state at a ${POLL_MINUTES}-minute poll: ` +
        `${(connected.length / (POLL_MINUTES * 60)).toFixed(1)}/s)`,
    );
    log(`  worker CPU ${cpuSeconds.toFixed(0)} s over ${windowSeconds.toFixed(0)} s: ${cpuPercent.toFixed(0)}% of one core`);
    log(
      `  worker RSS at the end ${formatMiB(worker.rss.current())}, peak ${formatMiB(rssPeak)} (kernel high-water mark over the whole run)`,
    );
    log(
      `  provider change -> row, ${changes.latencies.length} changes: p50 ${formatMs(percentile(changes.latencies, 50))}, ` +
        `p99 ${formatMs(p99)}${changes.missed ? `; ${changes.missed} not seen within ${CHANGE_TIMEOUT_MS / 1000} s` : ''}`,
    );
    const problems = worker.problems();
    if (problems.length) log(`  worker logged ${problems.length} warnings/errors, first: ${problems[0]!.slice(0, 300)}`);
    log(`  ${machineLine()}; whole run ${(secondsSince(started) / 60).toFixed(1)} min`);
    log(`RESULT scale_connections_held ${settled.value.synced} connections`);
    log(`RESULT scale_worker_rss_peak ${Math.round(rssPeak / 1024 / 1024)} MiB`);
    log(`RESULT scale_worker_cpu_avg ${cpuPercent.toFixed(1)} percent_of_one_core`);
    log(`RESULT scale_change_to_row_p99 ${Math.round(p99)} ms`);
  } finally {
    await service.close();
  }
}

runBenchmark(main);
