// Both processes expose Prometheus metrics, scraped here on the real stack: the API its request metrics and
// the gauge of connections by health (on a port of its own), the worker (the production worker process)
// the Temporal SDK's metrics and the service's own (syncs, events written).
import { freePort } from '../../scripts/lib/free-port';
import { call, connectThroughApi, eventually, tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';
import type { WorkerProcess } from '../helpers/worker-process';

/** The value of the sample with exactly these labels (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && line.split(' ')[0] !== name) continue;
    const labelPart = /\{(.*)\}/.exec(line)?.[1] ?? '';
    if (wanted.every((pair) => labelPart.split(',').includes(pair))) return Number(line.split(' ').at(-1));
  }
  return undefined;
}

describe('metrics', () => {
  let stack: TestStack;
  let apiMetricsPort: number;
  let workerMetricsPort: number;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    apiMetricsPort = await freePort();
    workerMetricsPort = await freePort();
    stack = await startTestStack({ env: { API_METRICS_PORT: String(apiMetricsPort), WORKER_METRICS_PORT: String(workerMetricsPort) } });
  });
  afterAll(async () => {
    await worker?.kill();
    await stack?.close();
  });

  const scrape = async (port: number) => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  };

  it('the worker process exports the Temporal SDK metrics and its syncs; the API its requests and connections by health', async () => {
    // The production worker as its own process, so its metrics endpoint is the real one.
    await stack.stopWorker();
    worker = await stack.startWorkerProcess();
    const token = await tokenFor(stack, 'acme', 'metrics');
    const email = 'metrics@example.com';
    stack.google.ensureAccount(email);
    const { connectionId } = await connectThroughApi(stack, { token, provider: 'google', email });
    await eventually(
      () => call(stack, 'GET', `/v1/connections/${connectionId}`, { token }),
      (r) => r.body.lastSync?.outcome === 'ok',
      'first sync',
    );
    expect((await call(stack, 'GET', '/v1/connections/not-a-uuid', { token })).status).toBe(400);

    const workerText = await eventually(
      () => scrape(workerMetricsPort),
      (text) => (sample(text, 'calendar_syncs_total', { provider: 'google', outcome: 'ok' }) ?? 0) >= 1,
      'a sync counted by the worker',
    );
    expect(workerText).toMatch(/^temporal_\w+/m); // the SDK's own (task slots, polls, latencies...)
    expect(workerText).toMatch(/^process_resident_memory_bytes /m);
    expect(sample(workerText, 'calendar_events_written_total', { provider: 'google' })).toBeDefined();
    // Every provider call goes through the token service, which counts it.
    expect(sample(workerText, 'calendar_provider_calls_total', { provider: 'google', outcome: 'ok' })).toBeGreaterThanOrEqual(1);

    const apiText = await scrape(apiMetricsPort);
    expect(
      sample(apiText, 'http_requests_total', { method: 'GET', route: '/v1/connections/:connectionId', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(apiText, 'http_requests_total', { method: 'GET', route: '/v1/connections/:connectionId', status: '400' })).toBe(1);
    expect(apiText).toMatch(/^http_request_duration_seconds_bucket\{/m);
    expect(sample(apiText, 'calendar_connections', { health: 'active' })).toBeGreaterThanOrEqual(1);
    // The API's public port does not serve them.
    expect((await fetch(`${stack.apiUrl}/metrics`)).status).toBe(404);
  });
});
