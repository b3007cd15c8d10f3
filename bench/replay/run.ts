// npm run bench:replay — what a connection workflow costs the worker when it is not in the worker's cache.
// A worker holding more connections than its workflow cache rebuilds a workflow from its whole history at
// (nearly) every wake-up, so a run's length is CPU at every poll. This records one connection's real history
// over many syncs (Google sandbox, worker process, syncs requested one after another), then replays prefixes
// of it of growing length in this process (the worker's replayer, the same bundle) and prints the CPU per
// replay against the shortest prefix. Ends with `RESULT replay_cpu_<n>_events <ms> ms` per prefix.
// Knobs: --syncs (BENCH_REPLAY_SYNCS, 200)  --replays (BENCH_REPLAY_REPLAYS, 20): replays per prefix
//        --prefixes (BENCH_REPLAY_PREFIXES, "100,250,500,1000,2000")  --save-history FILE (BENCH_REPLAY_SAVE_HISTORY)
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../worker/create-worker';
import { CalendarProvider, ConnectionHealth, OrganizationId, UserId } from '../../workflows/search-attributes';
import { connectionWorkflowId, statusQuery, syncNowSignal, type ConnectionWorkflowInput } from '../../workflows/connection/messages';
import { formatMs, machineLine, pollUntil } from '../lib/measure';
import { numberListOption, numberOption, option } from '../lib/options';
import { runBenchmark } from '../lib/run-benchmark';
import { startBenchService } from '../lib/service';

const SYNCS = numberOption('syncs', 'BENCH_REPLAY_SYNCS', 200);
const REPLAYS = numberOption('replays', 'BENCH_REPLAY_REPLAYS', 20);
const PREFIXES = numberListOption('prefixes', 'BENCH_REPLAY_PREFIXES', [100, 250, 500, 1000, 2000]);
/** Where to write the recorded history as JSON (for a profile of its replay), if anywhere. */
const SAVE_TO = option('save-history', 'BENCH_REPLAY_SAVE_HISTORY', '');
const ORG = 'bench-org';

type History = temporal.api.history.v1.IHistory;

/** The history up to its last completed workflow task at or before `length` events (a clean cut). */
function prefixOf(history: History, length: number): History {
  const events = history.events ?? [];
  let cut = 0;
  for (let index = 0; index < Math.min(length, events.length); index++) {
    if (events[index]!.workflowTaskCompletedEventAttributes) cut = index + 1;
  }
  return { events: events.slice(0, cut) };
}

async function main(): Promise<void> {
  console.log(`bench:replay — ${new Date().toISOString()} — ${SYNCS} syncs, ${REPLAYS} replays per prefix — ${machineLine()}`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const service = await startBenchService();
  let history: History;
  const dataConverter = service.deps.dataConverter;
  try {
    const email = 'replay@bench.example.com';
    service.google.ensureAccount(email);
    const { connectionId, workflowId } = await service.connect({ provider: 'google', email, organizationId: ORG, userId: 'replay-user' });
    // The connect started the workflow with the defaults; this run replaces it with one that never continues as
    // new and runs requested syncs back to back, so a long history is recorded in minutes instead of days.
    await service.temporal.workflow.getHandle(workflowId).terminate('bench:replay records its own run');
    const input: ConnectionWorkflowInput = {
      connectionId,
      organizationId: ORG,
      userId: 'replay-user',
      provider: 'google',
      minSyncGapMs: 0,
      historyEventLimit: 1_000_000,
    };
    const handle = await service.temporal.workflow.start('connectionWorkflow', {
      taskQueue: service.env.TEMPORAL_TASK_QUEUE!,
      workflowId: connectionWorkflowId(connectionId),
      args: [input],
      typedSearchAttributes: [
        { key: OrganizationId, value: ORG },
        { key: UserId, value: 'replay-user' },
        { key: CalendarProvider, value: 'google' },
        { key: ConnectionHealth, value: 'active' },
      ],
    });
    const lastSyncAt = async () => (await handle.query(statusQuery)).lastSync?.at;
    const first = await pollUntil(lastSyncAt, (at) => at !== undefined, { timeoutMs: 60_000, intervalMs: 100 });
    if (!first.ok) throw new Error('the first sync did not finish');
    let previous = first.value;
    const started = performance.now();
    for (let sync = 0; sync < SYNCS; sync++) {
      await handle.signal(syncNowSignal, { reason: 'manual' });
      const next = await pollUntil(lastSyncAt, (at) => at !== previous, { timeoutMs: 30_000, intervalMs: 20 });
      if (!next.ok) throw new Error(`sync ${sync + 1} did not finish`);
      previous = next.value;
      // The sync's timestamps have millisecond resolution: keep two syncs apart.
      await sleep(2);
    }
    history = await handle.fetchHistory();
    if (SAVE_TO) writeFileSync(SAVE_TO, historyToJSON(history));
    console.log(
      `  recorded ${SYNCS} syncs in ${formatMs(performance.now() - started)}: ${history.events!.length} history events ` +
        `(${((history.events!.length - prefixOf(history, 60).events!.length) / SYNCS).toFixed(1)} per sync)`,
    );
  } finally {
    await service.close();
  }

  const { code } = await bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: new DefaultLogger('WARN') });
  const cpuPerReplay = async (prefix: History): Promise<number> => {
    const histories = Array.from({ length: REPLAYS }, (_, index) => ({ workflowId: `replay-${index}`, history: prefix }));
    const before = process.cpuUsage();
    for await (const result of Worker.runReplayHistories({ workflowBundle: { code }, dataConverter }, histories)) {
      if (result.error) throw new Error(`replay failed: ${result.error.message}`);
    }
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / REPLAYS;
  };
  const lengths = PREFIXES.filter((length) => length <= history.events!.length);
  if (lengths.length === 0) {
    throw new Error(`--prefixes: every prefix is longer than the ${history.events!.length}-event history; ask for more --syncs`);
  }
  await cpuPerReplay(prefixOf(history, lengths[0]!)); // warm-up: the replayer's first workflow compiles the bundle
  const results: Array<{ events: number; ms: number }> = [];
  for (const length of lengths) {
    const prefix = prefixOf(history, length);
    const ms = await cpuPerReplay(prefix);
    results.push({ events: prefix.events!.length, ms });
  }
  const base = results[0]!;
  for (const { events, ms } of results) {
    console.log(`  replay of ${events} events: ${formatMs(ms)} CPU (${(ms / base.ms).toFixed(1)}x the ${base.events}-event replay)`);
  }
  console.log(`  ${machineLine()}`);
  for (const { events, ms } of results) console.log(`RESULT replay_cpu_${events}_events ${ms.toFixed(1)} ms`);
}

runBenchmark(main);
