// Request metrics of the API: rate, errors and latency by route (the route's declared path, never the raw
// URL: ids would explode the label set).
import type { RequestHandler } from 'express';
import type { ServiceMetrics } from './metrics';

export function httpMetrics(metrics: ServiceMetrics): RequestHandler {
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.inc({ method: request.method, route, status: String(response.statusCode) });
      metrics.httpDuration.observe({ method: request.method, route }, seconds);
    });
    next();
  };
}
