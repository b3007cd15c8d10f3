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
  /** Where the browser goes after a successful OAuth callback (connectionId and provider are appended). */
  OAUTH_SUCCESS_REDIRECT: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),

  // ----- the worker -----
  /** A liveness endpoint for orchestrators (200 while the worker polls); 0: none. */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(0),

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
  sandboxTlsDir: string;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const config = parsed.data;
  return {
    ...config,
    publicUrl: config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`,
    sandboxTlsDir: config.SANDBOX_TLS_DIR ?? path.join(config.DATA_DIR, 'sandbox-tls'),
  };
}
