// npm run bench:workflow — what running sync as Temporal workflows costs, on loopback:
//   1. orchestration overhead of a 10,000-event first sync (workflow on the worker process vs the sync
//      activity function called directly);
//   2. N connections on one worker (default 100, then 1,000): worker RSS, history events per sync cycle,
//      and provider-change-to-database latency with push notifications on.
// Each part gets a fresh Temporal dev server, database and worker process. Knobs (flag or env):
//   --events (BENCH_EVENTS, 10000)  --connections (BENCH_CONNECTIONS, "100,1000")
//   --events-per-connection (BENCH_EVENTS_PER_CONNECTION, 20)  --connect-concurrency (BENCH_CONNECT_CONCURRENCY, 8)
//   --connect-seconds (BENCH_CONNECT_SECONDS, 240): time bound for connecting N accounts
//   --changes (BENCH_CHANGES, 40): provider-side changes timed for push latency
//   --part (BENCH_PART, "overhead,connections")  --postgres URL (BENCH_POSTGRES_URL): PostgreSQL instead of SQLite
import { formatMiB, formatMs, machineLine } from '../lib/measure';
import { numberListOption, numberOption, option } from '../lib/options';
import { startBenchService } from '../lib/service';
import { measureConnections, type ConnectionsOptions } from './connections';
import { measureOverhead } from './overhead';
import { runBenchmark } from '../lib/run-benchmark';

const log = (line: string) => console.log(line);

async function overheadPart(): Promise<void> {
  const events = numberOption('events', 'BENCH_EVENTS', 10_000);
  const service = await startBenchService();
  try {
    log(`\n[1] first sync of ${events} events: workflow vs direct activity call (${service.databaseKind})`);
    const result = await measureOverhead(service, events, log);
    const { workflow, direct } = result;
    log(
      `  workflow : connect -> all rows in DB ${formatMs(workflow.dbCompleteMs)}, ` +
        `-> lastSync ${workflow.ok ? 'ok' : 'NOT ok'} ${formatMs(workflow.totalMs)}; ` +
        `syncConnection activity (history, scheduled->completed) ` +
        `${workflow.activityMs === undefined ? 'n/a' : formatMs(workflow.activityMs)}; ${workflow.rows} rows`,
    );
    log(
      `  direct   : connect + syncConnection() ${formatMs(direct.totalMs)}; ` +
        `the activity call alone ${formatMs(direct.activityMs)}; ${direct.rows} rows`,
    );
    log(
      `  ratio    : workflow/direct end to end ${(workflow.totalMs / direct.totalMs).toFixed(2)}x` +
        (workflow.activityMs === undefined ? '' : `, activity time ${(workflow.activityMs / direct.activityMs).toFixed(2)}x`) +
        `; overhead ${formatMs(workflow.totalMs - direct.totalMs)}`,
    );
    log(`  worker process peak RSS ${formatMiB(service.worker.highWaterMark() ?? service.worker.rss.peak())}; ${machineLine()}`);
  } finally {
    await service.close();
  }
}

async function connectionsPart(): Promise<void> {
  const counts = numberListOption('connections', 'BENCH_CONNECTIONS', [100, 1000]);
  const options: Omit<ConnectionsOptions, 'count'> = {
    eventsPerConnection: numberOption('events-per-connection', 'BENCH_EVENTS_PER_CONNECTION', 20),
    concurrency: numberOption('connect-concurrency', 'BENCH_CONNECT_CONCURRENCY', 8),
    connectSeconds: numberOption('connect-seconds', 'BENCH_CONNECT_SECONDS', 240),
    changes: numberOption('changes', 'BENCH_CHANGES', 40),
  };
  for (const count of counts) {
    const service = await startBenchService();
    try {
      log(
        `\n[2] ${count} Google sandbox connections on one worker ` +
          `(${service.databaseKind}, ${options.eventsPerConnection} events each, push on)`,
      );
      await measureConnections(service, { ...options, count }, log);
      log(`  ${machineLine()}`);
    } finally {
      await service.close();
    }
  }
}

async function main(): Promise<void> {
  const parts = option('part', 'BENCH_PART', 'overhead,connections').split(',');
  log(
    `bench:workflow — ${new Date().toISOString()} — Temporal dev server, worker as its own process, ` +
      `API + fakes in this process — ${machineLine()}`,
  );
  if (parts.includes('overhead')) await overheadPart();
  if (parts.includes('connections')) await connectionsPart();
}

runBenchmark(main);
