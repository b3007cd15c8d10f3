// The service's own metrics, in Prometheus format (prom-client): one registry per process, the same
// definitions in the API and the worker (each process exports what it counts). The worker also exports the
// Temporal SDK's own metrics (observability/worker-metrics-server.ts); the API its request metrics
// (observability/http-metrics.ts).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ServiceMetrics {
  readonly registry = new Registry();

  /** Syncs of a connection that finished, by provider and outcome (ok | error). */
  readonly syncs = new Counter({
    name: 'calendar_syncs_total',
    help: 'Connection syncs that finished, by provider and outcome',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Event rows a sync wrote (created, updated or cancelled). */
  readonly eventsWritten = new Counter({
    name: 'calendar_events_written_total',
    help: 'Event rows a sync created, updated or cancelled, by provider',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });

  /** Calls to a calendar provider, by provider and outcome (ok, or the failure code: rate_limited...). */
  readonly providerCalls = new Counter({
    name: 'calendar_provider_calls_total',
    help: 'Calls to calendar providers, by provider and outcome (ok or a failure code)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Provider answers that throttled us (429, 403 rate or quota limits). */
  readonly providerThrottles = new Counter({
    name: 'calendar_provider_throttles_total',
    help: 'Provider answers that throttled the service, by provider',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'calendar_webhook_deliveries_total',
    help: 'Webhook delivery attempts to CRM endpoints, by outcome (delivered, failed, refused)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly reminderDeliveries = new Counter({
    name: 'calendar_reminder_deliveries_total',
    help: 'Pre-meeting reminders, by outcome (delivered, duplicate, stale)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'API requests, by method, route (its declared path) and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'API request latency, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * A gauge read when scraped (e.g. connections by health, counted in the database then): `collect` gives
   * the value of each label set.
   */
  gaugeOnScrape(name: string, help: string, label: string, collect: () => Promise<Record<string, number>>): void {
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [value, count] of Object.entries(await collect())) this.set({ [label]: value }, count);
      },
    });
  }
}

/** Metrics that count nothing anyone reads (tests and scripts that build services without a process). */
export function unexportedMetrics(): ServiceMetrics {
  return new ServiceMetrics({ processMetrics: false });
}
