// Starting each process's metrics endpoint. The API adds the gauge of connections by health (counted in
// the database when scraped); the worker adds the Temporal SDK's metrics (its Prometheus exporter on a
// loopback port, read by our endpoint).
import net from 'node:net';
import { Runtime } from '@temporalio/worker';
import { countConnectionsByHealth } from '../data/connections';
import type { ServiceDependencies } from '../services/dependencies';
import { startMetricsServer, type MetricsServer } from './metrics-server';

export async function startApiMetrics({
  config,
  db,
  metrics,
}: Pick<ServiceDependencies, 'config' | 'db' | 'metrics'>): Promise<MetricsServer | undefined> {
  metrics.gaugeOnScrape('calendar_connections', 'Connections by health (active, error, needs_reconnect, ...)', 'health', () =>
    countConnectionsByHealth(db),
  );
  if (!config.API_METRICS_PORT) return undefined;
  return startMetricsServer(metrics, { port: config.API_METRICS_PORT, host: config.METRICS_HOST });
}

async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Installs the Temporal runtime with its Prometheus exporter (call before any NativeConnection is made) and
 * returns where it serves; undefined when the worker serves no metrics.
 */
export async function installSdkMetrics(port: number): Promise<string | undefined> {
  if (!port) return undefined;
  const sdkPort = await freeLoopbackPort();
  Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkPort}` } } } });
  return `http://127.0.0.1:${sdkPort}/metrics`;
}

export function startWorkerMetrics(
  { config, metrics }: Pick<ServiceDependencies, 'config' | 'metrics'>,
  sdkMetricsUrl: string | undefined,
): Promise<MetricsServer | undefined> {
  if (!config.WORKER_METRICS_PORT) return Promise.resolve(undefined);
  return startMetricsServer(metrics, {
    port: config.WORKER_METRICS_PORT,
    host: config.METRICS_HOST,
    ...(sdkMetricsUrl ? { alsoFrom: sdkMetricsUrl } : {}),
  });
}
