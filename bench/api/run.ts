// npm run bench:api — scheduling meetings end to end (HTTP -> API -> workflow update -> scheduleMeeting
// activity -> provider fake -> database -> HTTP response) at a fixed open-loop rate, and, in the same run,
// the same provider call alone (createEvent through the adapter against the fake) at the same rate: the
// baseline. Prints p50/p95/p99 latency, achieved throughput and the ratio, and where the time goes hop by
// hop (hops.ts), for requests sent one at a time and under the load.
// Knobs (flag or env): --rate (BENCH_RATE, 50 req/s)  --seconds (BENCH_SECONDS, 60)
//   --connections (BENCH_API_CONNECTIONS, 20: requests go round-robin over this many connections/workflows)
//   --provider (BENCH_PROVIDER, google | microsoft)  --postgres URL (BENCH_POSTGRES_URL)
import { randomUUID } from 'node:crypto';
import type { ProviderId } from '../../providers/types';
import {
  formatMiB,
  formatMs,
  machineLine,
  ownCpuSeconds,
  percentile,
  pollUntil,
  processCpuMeter,
  readProcessCpuSeconds,
  runAtFixedRate,
} from '../lib/measure';
import { numberOption, option } from '../lib/options';
import { startBenchService } from '../lib/service';
import { unmeteredAuth } from '../../providers/unmetered';
import { connectionWorkflowId } from '../../workflows/connection/messages';
import { hopsOf, printHops, type SentRequest } from './hops';
import { runBenchmark } from '../lib/run-benchmark';

const RATE = numberOption('rate', 'BENCH_RATE', 50);
const SECONDS = numberOption('seconds', 'BENCH_SECONDS', 60);
const CONNECTIONS = numberOption('connections', 'BENCH_API_CONNECTIONS', 20);
/** Requests sent one at a time before the load: the hops without queueing. */
const PROBES = 40;
const PROVIDER = option('provider', 'BENCH_PROVIDER', 'google') as ProviderId;
const ORG = 'bench-org';
const USER = 'scheduler';
const WARMUP_REQUESTS = 10;

interface Target {
  connectionId: string;
  calendarId: string;
  accessToken: string;
}

function summarize(
  label: string,
  run: Awaited<ReturnType<typeof runAtFixedRate>>,
): { p50: number; p95: number; p99: number; throughput: number } {
  const ok = run.results.filter((r) => r.ok).map((r) => r.ms);
  const failed = run.results.length - ok.length;
  const stats = { p50: percentile(ok, 50), p95: percentile(ok, 95), p99: percentile(ok, 99), throughput: ok.length / run.wallSeconds };
  const firstError = run.results.find((r) => !r.ok)?.error;
  console.log(
    `  ${label}: ${ok.length}/${run.results.length} ok in ${run.wallSeconds.toFixed(1)} s = ${stats.throughput.toFixed(1)}/s; ` +
      `p50 ${formatMs(stats.p50)}, p95 ${formatMs(stats.p95)}, p99 ${formatMs(stats.p99)}, max ${formatMs(Math.max(...ok))}` +
      (failed ? `; ${failed} failed, e.g. ${firstError instanceof Error ? firstError.message : String(firstError)}` : ''),
  );
  return stats;
}

/** Where the machine's CPU went during the end-to-end load: per process, per request sent, and as cores busy. */
function printCpuPerRequest(cpuSeconds: Record<string, number>, requests: number, wallSeconds: number): void {
  console.log(`  CPU during the end-to-end load (${requests} requests in ${wallSeconds.toFixed(1)} s):`);
  const line = (name: string, seconds: number) =>
    console.log(
      `    ${name.padEnd(22)} ${((seconds * 1000) / requests).toFixed(1).padStart(6)} ms per request, ` +
        `${(seconds / wallSeconds).toFixed(2)} cores`,
    );
  for (const [name, seconds] of Object.entries(cpuSeconds)) line(name, seconds);
  line(
    'all',
    Object.values(cpuSeconds).reduce((sum, seconds) => sum + seconds, 0),
  );
}

/** A failed OAuth callback (e.g. SQLite busy while the worker writes a first sync) is tried again, as a user would. */
async function connectWithRetries<T>(connect: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect();
    } catch (error) {
      if (attempt >= 3) throw error;
      console.log(
        `  connect failed (attempt ${attempt}), trying again: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
    }
  }
}

async function main(): Promise<void> {
  console.log(
    `bench:api — ${new Date().toISOString()} — ${RATE} req/s for ${SECONDS} s over ${CONNECTIONS} ${PROVIDER} connections — ` +
      machineLine(),
  );
  const service = await startBenchService();
  try {
    const fake = PROVIDER === 'google' ? service.google : service.microsoft;
    const adapter = service.deps.providers.get(PROVIDER).adapter;
    const targets: Target[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const email = `scheduler${i}@bench.example.com`;
      const calendarId = fake.ensureAccount(email);
      const { connectionId, workflowId } = await connectWithRetries(() =>
        service.connect({ provider: PROVIDER, email, organizationId: ORG, userId: USER }),
      );
      const status = await pollUntil(
        () => service.status(workflowId).catch(() => undefined),
        (s) => s?.lastSync !== undefined,
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      if (!status.ok) throw new Error(`connection ${i} did not finish its first sync`);
      const accessToken = await service.deps.tokens.withAccessToken(connectionId, async (auth) => auth.accessToken);
      targets.push({ connectionId, calendarId, accessToken });
    }
    const token = await service.signToken({ org: ORG, user: USER, permissions: ['ce.calendar.schedule'] });

    const meetingStart = (index: number) => new Date(Date.now() + 86_400_000 + index * 3_600_000).toISOString();
    let sent: SentRequest[] = [];
    const endToEnd = async (index: number) => {
      const target = targets[index % targets.length]!;
      const sentAt = Date.now();
      const response = await fetch(`${service.apiUrl}/v1/connections/${target.connectionId}/meetings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ title: `Bench meeting ${index}`, start: meetingStart(index), durationMinutes: 30 }),
      });
      const body = await response.text();
      sent.push({ workflowId: connectionWorkflowId(target.connectionId), sentAt, answeredAt: Date.now(), ok: response.status === 201 });
      if (response.status !== 201) throw new Error(`HTTP ${response.status}: ${body.slice(0, 200)}`);
      return body;
    };
    const providerOnly = async (index: number) => {
      const target = targets[index % targets.length]!;
      const start = meetingStart(index);
      return adapter.createEvent(unmeteredAuth(target.accessToken), {
        calendarId: target.calendarId,
        idempotencyKey: randomUUID(),
        event: {
          title: `Baseline meeting ${index}`,
          start: { kind: 'dateTime', dateTime: start, timeZone: 'UTC' },
          end: { kind: 'dateTime', dateTime: new Date(Date.parse(start) + 1_800_000).toISOString(), timeZone: 'UTC' },
          attendees: [],
        },
      });
    };

    // Warm-up (sequential): JIT, keep-alive sockets, each workflow's first update.
    for (let i = 0; i < Math.max(WARMUP_REQUESTS, targets.length); i++) {
      await endToEnd(1_000_000 + i);
      await providerOnly(1_000_000 + i);
    }
    // One at a time: each hop's own cost, without queueing behind other requests.
    sent = [];
    for (let i = 0; i < PROBES; i++) await endToEnd(2_000_000 + i);
    printHops('one request at a time', await hopsOf(service.temporal, sent));

    const before = await service.deps.db.calendarEvent.count({ where: { syncDirection: 'outbound' } });
    service.worker.rss.reset();
    sent = [];
    const cpu = processCpuMeter({
      worker: () => readProcessCpuSeconds(service.worker.pid),
      temporal: () => service.temporalServer.cpuSeconds(),
      'API + fakes + driver': ownCpuSeconds,
    });
    const e2e = await runAtFixedRate(RATE, SECONDS * 1000, endToEnd);
    const cpuUsed = cpu.stop();
    const rows = (await service.deps.db.calendarEvent.count({ where: { syncDirection: 'outbound' } })) - before;
    const underLoad = await hopsOf(service.temporal, sent);
    const baseline = await runAtFixedRate(RATE, SECONDS * 1000, providerOnly);

    const a = summarize('end to end (HTTP -> update -> provider -> DB)', e2e);
    const b = summarize('baseline   (adapter.createEvent on the fake) ', baseline);
    console.log(
      `  ratio: p50 ${(a.p50 / b.p50).toFixed(1)}x, p95 ${(a.p95 / b.p95).toFixed(1)}x, p99 ${(a.p99 / b.p99).toFixed(1)}x the baseline; ` +
        `throughput ${(a.throughput / b.throughput).toFixed(2)}x`,
    );
    console.log(
      `  ${rows} meeting rows written by the end-to-end run (${service.databaseKind}); ` +
        `worker peak RSS ${formatMiB(service.worker.rss.peak())}; ${machineLine()}`,
    );
    printHops(`under ${RATE} req/s`, underLoad);
    printCpuPerRequest(cpuUsed, e2e.results.length, e2e.wallSeconds);
    console.log(`RESULT schedule_meeting_provider_only_p99 ${b.p99.toFixed(0)} ms`);
    console.log(`RESULT schedule_meeting_p50 ${a.p50.toFixed(0)} ms`);
    console.log(`RESULT schedule_meeting_p99 ${a.p99.toFixed(0)} ms`);
    console.log(`RESULT schedule_meeting_throughput_ratio ${(a.throughput / RATE).toFixed(2)} x`);
  } finally {
    await service.close();
  }
}

runBenchmark(main);
