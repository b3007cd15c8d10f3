// Service configuration: every environment variable the API and the worker read, parsed and validated once
// at start-up (loadConfig) and passed down, so a wrong value fails with the variable's name instead of
// somewhere deep in a request. Nothing else in the service reads process.env.
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_SANDBOX_GOOGLE_URL, DEFAULT_SANDBOX_MICROSOFT_URL } from './sandbox';

export const PROJECT_ROOT = path.resolve(__dirname, '..');

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const envSchema = z.object({
  NODE_ENV: optionalString,
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Where OAuth redirects and provider webhooks reach this API (behind a proxy: the public https URL). */
  PUBLIC_URL: optionalString,
  DATA_DIR: z.string().default(path.join(PROJECT_ROOT, '.data')),
  DATABASE_URL: optionalString,
  /**
   * PostgreSQL: the login of the system role (calsync_system), for work across organizations: the worker's
   * whole job, and the API's lookups of webhooks, feeds and OAuth states by their secret. DATABASE_URL is
   * then the API's login of the application role (calsync_app). Unset: DATABASE_URL for both.
   */
  SYSTEM_DATABASE_URL: optionalString,
  /** PostgreSQL: connections per pool (each process has one, two with SYSTEM_DATABASE_URL). SQLite: unused. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('calendar-sync'),
  /** mTLS to a Temporal cluster (e.g. Temporal Cloud): paths to PEM files. */
  TEMPORAL_TLS_CERT: optionalString,
  TEMPORAL_TLS_KEY: optionalString,
  TEMPORAL_TLS_CA: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_UI_URL: z.string().default('http://127.0.0.1:8233'),

  // ----- the API -----
  /** The CRM's public key for API tokens: a JWK (JSON) or an SPKI PEM. Unset: the development key. */
  JWT_PUBLIC_KEY: optionalString,
  JWT_ISSUER: optionalString,
  JWT_AUDIENCE: optionalString,
  /**
   * The CRM's page the OAuth callback sends the browser to, with provider, code and state in the URL
   * fragment; the CRM completes the connection with the user's token (POST /v1/oauth/complete).
   * Default: the built-in page PUBLIC_URL/oauth/return.
   */
  OAUTH_RETURN_URL: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Per client address and minute: public routes (iCal feeds, OAuth callback and return page, health). */
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /** Per client address and minute: provider webhooks (providers send from few addresses, in bursts). */
  WEBHOOK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(3000),
  /** Failed bearer checks per client address and minute before that address is refused for the minute. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (Express "trust proxy": false, a hop
   * count, or addresses/subnets such as `loopback, 10.0.0.0/8`). Default false: the socket's address.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value) => (value === 'false' ? false : value === 'true' ? true : /^\d+$/.test(value) ? Number(value) : value)),
  /** Push notifications and sync requests for one connection closer together than this are folded into one sync. */
  SYNC_MIN_GAP_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
  /** The window an iCal feed renders, in days before and after today (bounded work per feed request). */
  ICAL_FEED_DAYS_BACK: z.coerce.number().int().min(0).max(3650).default(90),
  ICAL_FEED_DAYS_AHEAD: z.coerce.number().int().min(1).max(3650).default(365),

  /**
   * Webhooks to the CRM may target http:, loopback and private addresses: `1` allows, `0` forbids; unset,
   * allowed only while both providers are the local sandbox (development).
   */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z.enum(['0', '1']).optional(),

  /** Where the API's Prometheus metrics are served (/metrics, a port of their own); 0: not served. */
  API_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),

  // ----- the worker -----
  /**
   * How long a disconnected connection's synced data (events, attendee lists, history, conflicts, calendars)
   * is kept, so a user who reconnects the same account within it finds it again; then the cleanup deletes it.
   */
  DISCONNECTED_DATA_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  // The change feed and webhook delivery log: at least a week, so the 3 days an endpoint may fail fit.
  CHANGE_STREAM_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(30),
  /** How often the cleanup schedule runs (expired OAuth states, revoked feeds, old idempotency keys, ...). */
  CLEANUP_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  /**
   * Connection workflows a worker process keeps in memory between their tasks (sticky execution). Unset: the
   * SDK's default, which grows with the heap limit. An evicted workflow replays its (short) history when it
   * wakes, so a bound here trades a little CPU for a bounded RSS with many connections per worker.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).max(100_000).optional(),
  /**
   * The workflow bundle built ahead of time (`npm run build:workflow-bundle`). Unset: the worker bundles the
   * workflows when it starts, which takes seconds of CPU: a restarted worker is back sooner with a bundle.
   */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  /** A liveness endpoint for orchestrators (200 while the worker polls); 0: none. */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Where the worker's Prometheus metrics (the service's and the Temporal SDK's) are served; 0: not served. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** The interface the metrics ports listen on (keep them off the public network). */
  METRICS_HOST: z.string().default('127.0.0.1'),

  // ----- calendar providers: real OAuth apps, or the local sandbox (config/sandbox.ts) -----
  GOOGLE_CALENDAR_CLIENT_ID: optionalString,
  GOOGLE_CALENDAR_CLIENT_SECRET: optionalString,
  MICROSOFT_CALENDAR_CLIENT_ID: optionalString,
  MICROSOFT_CALENDAR_CLIENT_SECRET: optionalString,
  /** Microsoft tenant for the platform app (default `common`: any work, school or personal account). */
  MICROSOFT_TENANT: optionalString,
  SANDBOX_GOOGLE_URL: z.string().default(DEFAULT_SANDBOX_GOOGLE_URL),
  SANDBOX_MICROSOFT_URL: z.string().default(DEFAULT_SANDBOX_MICROSOFT_URL),
  /** Where the Microsoft sandbox keeps its TLS CA (default DATA_DIR/sandbox-tls). */
  SANDBOX_TLS_DIR: optionalString,

  // ----- provider budget (services/provider-budget): every provider call of every process draws from it -----
  /** Google Calendar: requests per minute per user (per project), and per project (the OAuth client's). */
  GOOGLE_REQUESTS_PER_MINUTE_PER_USER: z.coerce.number().int().min(1).max(1_000_000).default(600),
  GOOGLE_REQUESTS_PER_MINUTE_PER_PROJECT: z.coerce.number().int().min(1).max(100_000_000).default(10_000),
  /** Microsoft Graph (Outlook): requests per 10 minutes per mailbox per app, concurrent requests per mailbox, per app. */
  MICROSOFT_REQUESTS_PER_10_MINUTES_PER_MAILBOX: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  MICROSOFT_CONCURRENT_REQUESTS_PER_MAILBOX: z.coerce.number().int().min(1).max(100).default(4),
  MICROSOFT_REQUESTS_PER_10_SECONDS_PER_APP: z.coerce.number().int().min(1).max(100_000_000).default(130_000),
  /** How long a connection leaves the provider alone after Google says its usage limits are exhausted. */
  PROVIDER_QUOTA_BACKOFF_SECONDS: z.coerce.number().int().min(1).max(86_400).default(1800),

  // ----- sync safety -----
  /** The daily full reconciliation: when its window opens (HH:MM, UTC) and over how many minutes it is spread. */
  RECONCILE_DAILY_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (UTC)')
    .default('03:00'),
  RECONCILE_SPREAD_MINUTES: z.coerce.number().int().min(0).max(1440).default(240),
  /** The mass-delete breaker: hold a pass that deletes more than this percentage of a calendar of at least N events. */
  MASS_DELETE_MAX_PERCENT: z.coerce.number().int().min(1).max(100).default(50),
  MASS_DELETE_MIN_EVENTS: z.coerce.number().int().min(1).max(1_000_000).default(20),

  // ----- the credential vault (vault/keyring.ts); unset outside production: a development keyring -----
  VAULT_KEYS: optionalString,
  VAULT_CURRENT_KEY_ID: optionalString,
  VAULT_KEYRING_FILE: optionalString,
});

export type Config = z.infer<typeof envSchema> & {
  /** PUBLIC_URL, or the API's own address. */
  publicUrl: string;
  /** OAUTH_RETURN_URL, or the built-in return page. */
  oauthReturnUrl: string;
  sandboxTlsDir: string;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const config = parsed.data;
  const publicUrl = config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
  return {
    ...config,
    publicUrl,
    oauthReturnUrl: config.OAUTH_RETURN_URL ?? `${publicUrl.replace(/\/$/, '')}/oauth/return`,
    sandboxTlsDir: config.SANDBOX_TLS_DIR ?? path.join(config.DATA_DIR, 'sandbox-tls'),
  };
}
