// npm run bench:first-sync — a first sync written to the database, end to end, and an incremental one:
//   1. baseline: the same pages read through the adapter alone (fetchChanges loop, nothing written);
//   2. end to end: connecting an account with N single events (default 10,000) through the connection
//      workflow on the worker process, until every row is in the database (lastSyncAt set); also the
//      syncConnection activity's own time from the workflow's history;
//   3. incremental: N events changed at the provider (default 100), then the syncConnection activity called
//      directly (same code as the worker's, on a second fresh database of the same kind) and timed, 3 times.
// Knobs (flag or env): --events (BENCH_EVENTS, 10000)  --changed (BENCH_CHANGED, 100)  --rounds (BENCH_ROUNDS, 3)
//   --postgres URL (BENCH_POSTGRES_URL): a fresh database on that PostgreSQL server instead of SQLite.
// Ends with RESULT lines: first_sync_<db> events/s, first_sync_baseline events/s, incremental_sync_<db> ms.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { unmeteredAuth } from '../../providers/unmetered';
import type { CalendarProvider } from '../../providers/types';
import { formatMs, machineLine, millisSince, now, percentile } from '../lib/measure';
import { numberOption } from '../lib/options';
import { seedSingleEvents } from '../lib/sandbox-calendar';
import { startBenchService, type BenchService } from '../lib/service';
import { direct, viaWorkflow } from '../workflow/overhead';
import { runBenchmark } from '../lib/run-benchmark';

const EVENTS = numberOption('events', 'BENCH_EVENTS', 10_000);
const CHANGED = numberOption('changed', 'BENCH_CHANGED', 100);
const INCREMENTAL_ROUNDS = numberOption('rounds', 'BENCH_ROUNDS', 3);
const REMINDER_HORIZON_MINUTES = 60;
const log = (line: string) => console.log(line);

/** Reads every page of the account's primary calendar through the adapter, writing nothing. */
async function adapterRead(service: BenchService, accessToken: string, calendarId: string): Promise<{ count: number; ms: number }> {
  const adapter: CalendarProvider = service.deps.providers.get('google').adapter;
  const start = now();
  let count = 0;
  let position: string | null = null;
  for (;;) {
    const page: Awaited<ReturnType<CalendarProvider['fetchChanges']>> = await adapter.fetchChanges(unmeteredAuth(accessToken), {
      calendarId,
      position,
    });
    count += page.changes.length;
    if (page.next.kind === 'done') break;
    position = page.next.position;
  }
  return { count, ms: millisSince(start) };
}

async function main(): Promise<void> {
  const service = await startBenchService();
  const kind = service.databaseKind;
  log(`bench:first-sync — ${new Date().toISOString()} — ${kind}, ${EVENTS} events, Google sandbox — ${machineLine()}`);
  try {
    // Warm-up on a small calendar (JIT, connections, the worker's first workflow), not measured.
    seedSingleEvents(service.google, 'warmup@example.com', 200, 7);
    await viaWorkflow(service, 'warmup@example.com', 60_000);

    // 2. End to end through the workflow.
    const email = 'large-calendar@example.com';
    const { seeded } = seedSingleEvents(service.google, email, EVENTS);
    const workflow = await viaWorkflow(service, email, 10 * 60_000);
    const endToEndRate = workflow.rows / (workflow.dbCompleteMs / 1000);
    const activityRate = workflow.activityMs ? workflow.rows / (workflow.activityMs / 1000) : Number.NaN;

    // 3. Incremental, and the baseline read, on a second account holding the same events (its own database).
    const directDb = await service.freshDatabase();
    const deps = service.dependenciesFor(directDb.db);
    const other = 'incremental@example.com';
    const { calendarId } = seedSingleEvents(service.google, other, EVENTS);
    const first = await direct(service, deps, other);
    // The steady state: PostgreSQL's autovacuum analyzes a table within a minute of this much change. Before it
    // does, the planner believes the connection has no rows and reads all 10,000 of them in several statements.
    if (kind === 'postgresql') await directDb.db.$executeRawUnsafe('ANALYZE');
    const connection = await directDb.db.calendarConnection.findFirstOrThrow({ where: { externalAccountEmail: other } });
    const { accessToken } = await deps.tokens.getFreshAccessToken(connection.id);
    const baselineRuns = [await adapterRead(service, accessToken, calendarId), await adapterRead(service, accessToken, calendarId)];
    const baseline = baselineRuns.sort((a, b) => a.ms - b.ms)[0]!;
    const baselineRate = baseline.count / (baseline.ms / 1000);

    const activities = createActivities(deps);
    const ids = service.google.listEvents(other).map((event) => event.id);
    const incremental: number[] = [];
    let applied = 0;
    for (let round = 0; round < INCREMENTAL_ROUNDS; round++) {
      for (const id of ids.slice(round * CHANGED, (round + 1) * CHANGED)) {
        service.google.updateEventAsProvider(other, id, { title: `changed in round ${round}` });
      }
      const start = now();
      const result = await new MockActivityEnvironment().run(activities.syncConnection, {
        connectionId: connection.id,
        reminderHorizonMinutes: REMINDER_HORIZON_MINUTES,
      });
      incremental.push(millisSince(start));
      applied = (result as { upserted: number }).upserted;
    }

    log(`\n[baseline] adapter read of the same pages, nothing written: ${baseline.count} events in ${formatMs(baseline.ms)}`);
    log(`  = ${baselineRate.toFixed(0)} events/s (faster of 2 reads)`);
    log(`[first sync, end to end] ${seeded} events seeded; connect -> all ${workflow.rows} rows in the database`);
    log(`  ${formatMs(workflow.dbCompleteMs)} = ${endToEndRate.toFixed(0)} events/s (lastSync ${workflow.ok ? 'ok' : 'NOT ok'})`);
    log(
      `  syncConnection activity (history, scheduled->completed) ${workflow.activityMs ? formatMs(workflow.activityMs) : 'n/a'}` +
        ` = ${activityRate.toFixed(0)} events/s; ratio to the baseline read ${(endToEndRate / baselineRate).toFixed(2)}x`,
    );
    log(`  the same first sync by calling the activity directly: ${formatMs(first.activityMs)}, ${first.rows} rows`);
    log(`[incremental] ${CHANGED} events changed at the provider, syncConnection called directly, ${INCREMENTAL_ROUNDS} rounds`);
    log(`  ${incremental.map(formatMs).join(', ')}; median ${formatMs(percentile(incremental, 50))}; last round applied ${applied}`);
    log(`  worker process peak RSS n/a here; ${machineLine()}`);
    log(`RESULT first_sync_baseline_read ${baselineRate.toFixed(0)} events/s`);
    log(`RESULT first_sync_${kind} ${endToEndRate.toFixed(0)} events/s`);
    log(`RESULT incremental_sync_${CHANGED}_${kind} ${percentile(incremental, 50).toFixed(1)} ms`);
  } finally {
    await service.close();
  }
}

runBenchmark(main);
