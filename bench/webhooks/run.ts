// bench:webhooks — how fast the CRM hears about changes.
//   1. Latency: N sandbox Google connections (default 100) on one worker process; one calendar-side change at
//      a time (an event created at the fake, spread over the connections): the time from the change at the
//      provider until the CRM's receiver has the signed event.created webhook (push -> API -> workflow sync
//      -> change stream -> endpoint workflow -> HTTP). p50/p95/p99.
//   2. Throughput of one endpoint: K changes (default 1,000) written to the change stream at once (as the
//      sync would write them, one per connection round-robin), delivered to one endpoint; events/s from the
//      first write to the last delivery. The baseline in the same run: the same K POSTs sent straight to the
//      same receiver, 50 at a time (what the receiver and loopback HTTP allow).
// Flags: --connections (BENCH_CONNECTIONS, 100) --changes (BENCH_CHANGES, 100) --burst (BENCH_BURST, 1000)
//        --postgres URL (BENCH_POSTGRES_URL): PostgreSQL instead of SQLite.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { emitChange } from '../../data/outbox';
import { formatMs, machineLine, millisSince, now, percentile, pollUntil, secondsSince, sleep } from '../lib/measure';
import { numberOption } from '../lib/options';
import { startBenchService } from '../lib/service';

const CONNECTIONS = numberOption('connections', 'BENCH_CONNECTIONS', 100);
const CHANGES = numberOption('changes', 'BENCH_CHANGES', 100);
const BURST = numberOption('burst', 'BENCH_BURST', 1000);

/** A receiver that answers 204 at once and remembers when each webhook-id first arrived. */
async function startReceiver() {
  const arrivals = new Map<string, { at: bigint; body: string }>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const id = String(request.headers['webhook-id'] ?? request.headers['x-id'] ?? '');
      if (!arrivals.has(id)) arrivals.set(id, { at: now(), body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, arrivals, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function main(): Promise<void> {
  const service = await startBenchService();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`bench:webhooks — ${new Date().toISOString()} — ${service.databaseKind}, worker as its own process — ${machineLine()}`);
  const receiver = await startReceiver();
  try {
    const admin = await service.signToken({ org: 'bench-org', user: 'admin', permissions: ['ce.calendar.admin', 'ce.calendar.view'] });
    const register = async (events: string[]) => {
      const response = await fetch(`${service.apiUrl}/v1/webhook-endpoints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url, events }),
      });
      if (response.status !== 201) throw new Error(`register: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string };
    };

    // ----- 1. latency at N connections -----
    await register(['event.created']);
    const connected: Array<{ email: string; connectionId: string }> = [];
    const connectStart = now();
    for (let i = 0; i < CONNECTIONS; i += 8) {
      const batch = Array.from({ length: Math.min(8, CONNECTIONS - i) }, (_, j) => `webhook-bench-${i + j}@example.com`);
      const results = await Promise.all(
        batch.map(async (email) => {
          service.google.ensureAccount(email);
          return { email, ...(await service.connect({ provider: 'google', email })) };
        }),
      );
      connected.push(...results);
    }
    const { db } = service.deps;
    await pollUntil(
      async () => db.pushChannel.count({ where: { status: 'active' } }),
      (count) => count >= CONNECTIONS,
      { timeoutMs: 300_000, intervalMs: 500 },
    );
    log(`  ${CONNECTIONS} connections synced with push channels in ${secondsSince(connectStart).toFixed(1)} s`);

    const delays: number[] = [];
    for (let i = 0; i < CHANGES; i += 1) {
      const { email } = connected[i % connected.length]!;
      const title = `latency-${i}`;
      const start = now();
      const hour = 3_600_000;
      service.google.seedEvent(email, {
        title,
        start: { kind: 'dateTime', dateTime: new Date(Date.now() + (24 + i) * hour).toISOString(), timeZone: 'UTC' },
        end: { kind: 'dateTime', dateTime: new Date(Date.now() + (25 + i) * hour).toISOString(), timeZone: 'UTC' },
      });
      const arrived = await pollUntil(
        async () => [...receiver.arrivals.values()].find((arrival) => arrival.body.includes(`"${title}"`)),
        (arrival) => arrival !== undefined,
        { timeoutMs: 60_000, intervalMs: 5 },
      );
      delays.push(Number(arrived.value!.at - start) / 1e6);
      await sleep(50);
    }
    const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(delays, p));
    log(
      `  provider change -> CRM webhook, ${CHANGES} changes over ${CONNECTIONS} connections: ` +
        `p50 ${formatMs(p50!)} p95 ${formatMs(p95!)} p99 ${formatMs(p99!)}`,
    );

    // ----- 2. throughput of one endpoint, against direct POSTs to the same receiver -----
    receiver.arrivals.clear();
    await register(['task.created']);
    await sleep(500);
    const burstStart = now();
    await db.$transaction(async (tx) => {
      for (let i = 0; i < BURST; i += 1) {
        await emitChange(tx, {
          organizationId: 'bench-org',
          connectionId: connected[i % connected.length]!.connectionId,
          type: 'task.created',
          data: {
            taskId: crypto.randomUUID(),
            eventId: crypto.randomUUID(),
            activityId: null,
            title: `burst-${i}`,
            dueAt: null,
            assigneeUserId: 'u',
          },
        });
      }
    });
    await pollUntil(
      async () => receiver.arrivals.size,
      (size) => size >= BURST,
      { timeoutMs: 600_000, intervalMs: 20 },
    );
    const deliverySeconds = secondsSince(burstStart);

    receiver.arrivals.clear();
    const directStart = now();
    for (let i = 0; i < BURST; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, BURST - i) }, (_, j) =>
          fetch(receiver.url, { method: 'POST', headers: { 'x-id': `direct-${i + j}`, 'content-type': 'application/json' }, body: '{}' }),
        ),
      );
    }
    const directSeconds = millisSince(directStart) / 1000;
    const rate = BURST / deliverySeconds;
    const directRate = BURST / directSeconds;
    log(`  one endpoint: ${BURST} changes delivered in ${deliverySeconds.toFixed(2)} s = ${rate.toFixed(0)} events/s`);
    log(
      `  baseline    : ${BURST} direct POSTs in ${directSeconds.toFixed(2)} s = ${directRate.toFixed(0)} events/s; ` +
        `ratio ${(rate / directRate).toFixed(2)}x`,
    );
    log(`RESULT webhook_latency_p50 ${p50!.toFixed(0)} ms`);
    log(`RESULT webhook_latency_p99 ${p99!.toFixed(0)} ms`);
    log(`RESULT webhook_throughput_one_endpoint ${rate.toFixed(0)} events/s`);
  } finally {
    await receiver.close();
    await service.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
