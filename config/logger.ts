// Structured JSON logs (pino). Anything that looks like a secret is redacted by key, as a second line of
// defence: code must not pass secrets to the logger in the first place.
import pino, { type Logger } from 'pino';

export const REDACTED_KEYS = [
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'authorization',
  'token',
  'secret',
  'code',
  'codeVerifier',
  'email',
  'attendees',
];

export function createLogger(options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  const paths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths, censor: '[redacted]' },
      base: { service: 'calendar-sync', ...(options.name ? { component: options.name } : {}) },
    },
    options.destination,
  );
}

export type { Logger };
