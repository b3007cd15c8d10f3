// A small HTTP server for Prometheus to scrape: GET /metrics answers the process's registry, plus (in the
// worker) the Temporal SDK's own metrics read from the SDK's exporter on loopback. It listens on its own
// port, apart from the API's, so it can stay inside the cluster network.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceMetrics } from './metrics';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(
  metrics: ServiceMetrics,
  options: { port: number; host: string; alsoFrom?: string },
): Promise<MetricsServer> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    void (async () => {
      const own = await metrics.registry.metrics();
      const sdk = options.alsoFrom
        ? await fetch(options.alsoFrom).then(
            (r) => r.text(),
            () => '',
          )
        : '';
      response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(`${own}\n${sdk}`);
    })().catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
