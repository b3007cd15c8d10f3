// npm run bench:connect-burst — many users connecting their calendars at once: N OAuth completions
// (default 1,000) started at a fixed open-loop rate (default 25/s), spread over a few organizations whose
// rows do not exist yet (so their first connects race to create them), while the worker process runs each
// new connection's workflow and first sync against the same database. No retries: every failed callback
// counts. Afterwards: how many connections finished their first sync within the settle bound.
// Knobs (flag or env): --connections (BENCH_CONNECTIONS, 1000)  --rate (BENCH_RATE, 25)
//   --organizations (BENCH_ORGANIZATIONS, 10)  --events-per-connection (BENCH_EVENTS_PER_CONNECTION, 20)
//   --settle-seconds (BENCH_SETTLE_SECONDS, 300)  --postgres URL (BENCH_POSTGRES_URL): PostgreSQL instead of SQLite.
//   --fake-process (BENCH_FAKE_PROCESS, on): the Google fake in its own process, as under `npm start`, so a
//   saturated benchmark process does not answer the token exchange late; --fake-in-process (BENCH_FAKE_PROCESS=0)
//   for the old set-up, where this process also hosts the fake.
// Ends with RESULT lines: connect_burst_failed_<db> (callbacks), connect_burst_p99_<db> (ms).
import {
  eventLoopDelayMeter,
  formatMiB,
  formatMs,
  machineLine,
  percentile,
  pollUntil,
  processCpuMeter,
  readProcessCpuSeconds,
  runAtFixedRate,
} from '../lib/measure';
import { booleanOption, numberOption } from '../lib/options';
import { singleEventSeeds } from '../lib/sandbox-calendar';
import { startBenchService } from '../lib/service';
import { shortReason } from '../lib/connect-many';
import { runBenchmark } from '../lib/run-benchmark';
import { mapWithConcurrency } from '../../services/bounded-concurrency';

const COUNT = numberOption('connections', 'BENCH_CONNECTIONS', 1000);
const RATE = numberOption('rate', 'BENCH_RATE', 25);
const ORGANIZATIONS = numberOption('organizations', 'BENCH_ORGANIZATIONS', 10);
const EVENTS = numberOption('events-per-connection', 'BENCH_EVENTS_PER_CONNECTION', 20);
const SETTLE_SECONDS = numberOption('settle-seconds', 'BENCH_SETTLE_SECONDS', 300);
const FAKE_PROCESS = booleanOption('fake-process', 'BENCH_FAKE_PROCESS', true, 'fake-in-process');
/** Accounts seeded at once over HTTP: 1,000 accounts take a few seconds without 1,000 requests queued at once. */
const SEED_CONCURRENCY = 16;
const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const service = await startBenchService({ googleFakeProcess: FAKE_PROCESS });
  const kind = service.databaseKind;
  const { db } = service.deps;
  log(
    `bench:connect-burst — ${new Date().toISOString()} — ${kind}, ${COUNT} connects at ${RATE}/s over ${ORGANIZATIONS} new ` +
      `organizations, ${EVENTS} events each, worker process syncing meanwhile, Google fake ` +
      `${FAKE_PROCESS ? 'in its own process' : 'in this process'} — ${machineLine()}`,
  );
  try {
    const emails = Array.from({ length: COUNT }, (_, i) => `burst${i}@bench.example.com`);
    await mapWithConcurrency([...emails.entries()], SEED_CONCURRENCY, async ([i, email]) => {
      await service.googleSandbox.ensureAccount(email);
      await service.googleSandbox.seedEvents(email, singleEventSeeds(EVENTS, i + 1));
    });
    const fakePid = service.googleFakeProcess?.pid;
    const fakeCpu = fakePid === undefined ? undefined : processCpuMeter({ fake: () => readProcessCpuSeconds(fakePid) });
    const loopDelay = eventLoopDelayMeter();
    const run = await runAtFixedRate(RATE, (COUNT / RATE) * 1000, (i) =>
      service.connect({ provider: 'google', email: emails[i]!, organizationId: `burst-org-${i % ORGANIZATIONS}` }),
    );
    const delay = loopDelay.stop();
    const fakeCpuSeconds = fakeCpu?.stop().fake;
    const failed = run.results.filter((result) => !result.ok);
    const reasons = new Map<string, number>();
    for (const failure of failed) reasons.set(shortReason(failure.error), (reasons.get(shortReason(failure.error)) ?? 0) + 1);
    const ms = run.results.filter((result) => result.ok).map((result) => result.ms);
    const connected = run.results.length - failed.length;

    const settled = await pollUntil(
      () => db.connectionCalendar.count({ where: { lastSyncAt: { not: null } } }),
      (count) => count >= connected,
      { timeoutMs: SETTLE_SECONDS * 1000, intervalMs: 1000 },
    );
    log(`\n[connects] ${run.results.length} started in ${run.wallSeconds.toFixed(1)} s (offered ${RATE}/s)`);
    log(`  ${connected} connected, ${failed.length} failed callbacks`);
    for (const [reason, count] of reasons) log(`    ${count} x ${reason}`);
    log(
      `  callback latency p50 ${formatMs(percentile(ms, 50))}, p95 ${formatMs(percentile(ms, 95))}, ` +
        `p99 ${formatMs(percentile(ms, 99))}, max ${formatMs(Math.max(...ms))}`,
    );
    log(
      `  this process (${FAKE_PROCESS ? 'API and driver' : 'API and fakes'}): event loop held up p99 ${formatMs(delay.p99Ms)}, ` +
        `max ${formatMs(delay.maxMs)}`,
    );
    if (fakeCpuSeconds !== undefined) {
      log(`  Google fake process: ${fakeCpuSeconds.toFixed(1)} CPU s during the ${run.wallSeconds.toFixed(1)} s burst`);
    }
    log(`[first syncs] ${settled.value ?? 0} of ${connected} calendars synced ${settled.ok ? '' : `(bound of ${SETTLE_SECONDS} s hit)`}`);
    log(`  worker process peak RSS ${formatMiB(service.worker.highWaterMark() ?? service.worker.rss.peak())}; ${machineLine()}`);
    log(`RESULT connect_burst_failed_${kind} ${failed.length} callbacks`);
    log(`RESULT connect_burst_p99_${kind} ${percentile(ms, 99).toFixed(0)} ms`);
  } finally {
    await service.close();
  }
}

runBenchmark(main);
