// N connections on one worker: connect them (bounded in time), wait for their first sync and push channel,
// then time provider-side changes until their row is in the database (push -> webhook -> signal -> sync),
// and count history events per sync cycle on a few workflows. The worker's RSS is sampled throughout.
import { formatMiB, formatMs, now, percentile, pollUntil, secondsSince, sleep } from '../lib/measure';
import { seedSingleEvents } from '../lib/sandbox-calendar';
import type { BenchService } from '../lib/service';
import { timeProviderChange } from '../lib/provider-change';
import { connectMany, describeFailures, type Connected } from '../lib/connect-many';
import { syncNowSignal } from '../../workflows/connection/messages';
import { eventsPerSyncCycle } from './history';

export interface ConnectionsOptions {
  count: number;
  eventsPerConnection: number;
  concurrency: number;
  connectSeconds: number;
  changes: number;
}

const HISTORY_SAMPLE = 5;
const CONNECT_ATTEMPTS = 3;
const CHANGE_TIMEOUT_MS = 30_000;
const SETTLE_TIMEOUT_MS = 180_000;

export async function measureConnections(service: BenchService, options: ConnectionsOptions, log: (line: string) => void): Promise<void> {
  const { db } = service.deps;
  const worker = service.worker;
  const idleRss = worker.rss.current();
  worker.rss.reset();

  // Accounts exist and hold their calendars before anyone connects (as real users' calendars would).
  const emails = Array.from({ length: options.count }, (_, i) => `user${i}@bench.example.com`);
  for (const [i, email] of emails.entries()) seedSingleEvents(service.google, email, options.eventsPerConnection, i + 1);

  // Connect with a few concurrent "users" until done or out of time, retrying a failed callback.
  const connectStart = now();
  const outcome = await connectMany(service, emails, {
    concurrency: options.concurrency,
    boundSeconds: options.connectSeconds,
    attempts: CONNECT_ATTEMPTS,
    organizationId: 'bench-org',
  });
  const { connected } = outcome;
  log(
    `  connected ${connected.length}/${options.count} in ${outcome.seconds.toFixed(1)} s ` +
      `(${(connected.length / outcome.seconds).toFixed(1)}/s, ` +
      `${options.concurrency} at a time${outcome.stoppedByBound ? `; stopped by the ${options.connectSeconds} s bound` : ''})`,
  );
  if (outcome.failedAttempts) {
    log(
      `  ${outcome.failedAttempts} connect attempts failed (${outcome.gaveUp} accounts gave up after ${CONNECT_ATTEMPTS}): ` +
        describeFailures(outcome.failures),
    );
  }

  // First sync and push channel of every connected account. The phase's database holds only these
  // connections, so plain counts suffice (an `in` list of 1,000 ids exceeds SQLite's parameter limit).
  const ids = connected.map((c) => c.connectionId);
  const settled = await pollUntil(
    async () => ({
      synced: await db.connectionCalendar.count({ where: { lastSyncAt: { not: null } } }),
      channels: await db.pushChannel.count({ where: { status: 'active' } }),
    }),
    (s) => s.synced >= ids.length && s.channels >= ids.length,
    { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 250 },
  );
  const rows = await db.calendarEvent.count();
  log(
    `  first sync done for ${settled.value.synced}/${ids.length}, push channels ${settled.value.channels}/${ids.length}, ` +
      `${rows} event rows, ${secondsSince(connectStart).toFixed(1)} s after connecting began` +
      (settled.ok ? '' : ` (gave up after ${SETTLE_TIMEOUT_MS / 1000} s)`),
  );
  const rssAfterConnect = worker.rss.current();

  // Provider-side changes, one at a time, spread over the connections that have a push channel.
  const withPush = new Set(
    (await db.pushChannel.findMany({ where: { status: 'active' }, select: { connectionId: true } })).map((row) => row.connectionId),
  );
  const targets = connected.filter((c) => withPush.has(c.connectionId));
  const sampleSize = Math.min(options.changes, targets.length);
  const latencies: number[] = [];
  let timedOut = 0;
  const changed: Connected[] = [];
  for (let i = 0; i < sampleSize; i++) {
    const target = targets[Math.floor((i * targets.length) / sampleSize)]!;
    const ms = await timeProviderChange(service, target, `Pushed change ${i}`, CHANGE_TIMEOUT_MS);
    if (ms !== undefined) {
      latencies.push(ms);
      changed.push(target);
    } else timedOut += 1;
    await sleep(50); // let the sync that carried it finish before the next change
  }
  log(
    `  provider change -> row in DB (push on), ${latencies.length} changes: p50 ${formatMs(percentile(latencies, 50))}, ` +
      `p95 ${formatMs(percentile(latencies, 95))}, max ${formatMs(Math.max(...latencies))}` +
      (timedOut ? `; ${timedOut} not seen within ${CHANGE_TIMEOUT_MS / 1000} s` : ''),
  );

  // History cost of one sync cycle: wake a few workflows once more with syncNow, then measure the distance
  // between their last two syncConnection activities.
  const sampled = changed.filter((c, i, all) => all.findIndex((o) => o.workflowId === c.workflowId) === i).slice(0, HISTORY_SAMPLE);
  const perCycle: number[] = [];
  let cycleShape: string[] = [];
  const historyLengths: number[] = [];
  for (const target of sampled) {
    const before = (await service.status(target.workflowId)).lastSync?.at;
    await service.temporal.workflow.getHandle(target.workflowId).signal(syncNowSignal, { reason: 'manual' });
    await pollUntil(
      () => service.status(target.workflowId),
      (s) => s.lastSync?.at !== before,
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    await sleep(200); // the workflow task that records the result
    const { gaps, lastCycle, historyLength } = await eventsPerSyncCycle(service.temporal, target.workflowId);
    if (gaps.length) perCycle.push(gaps[gaps.length - 1]!);
    if (!cycleShape.length) cycleShape = lastCycle;
    historyLengths.push(historyLength);
  }
  log(
    `  history events per sync cycle (${perCycle.length} workflows): ${perCycle.join(', ') || 'n/a'}; ` +
      `whole histories ${historyLengths.join(', ')} events`,
  );
  if (cycleShape.length) log(`    one cycle: ${cycleShape.join(' > ')}`);

  const hwm = worker.highWaterMark();
  log(
    `  worker RSS: idle ${formatMiB(idleRss)} before connecting, ${formatMiB(rssAfterConnect)} after first syncs, ` +
      `peak sampled ${formatMiB(worker.rss.peak())}${hwm ? `, kernel high-water mark ${formatMiB(hwm)}` : ''}; ` +
      `~${((worker.rss.peak() - idleRss) / Math.max(1, connected.length) / 1024).toFixed(0)} KiB per connection over idle`,
  );
  const problems = worker.problems();
  if (problems.length) log(`  worker logged ${problems.length} warnings/errors, first: ${problems[0]!.slice(0, 300)}`);
}
