// Maps every failure of a Google call to a ProviderError, by HTTP status and Google's reason codes only.
// Messages are built from status + reason; nothing from the request (tokens) or the body (emails) leaks.

import { ProviderError, type ProviderErrorKind } from '../errors';
import { apiErrorSchema, oauthErrorSchema } from './schemas';

/** Which endpoint failed: OAuth grant errors mean different things at code exchange and at refresh. */
export type GoogleCallKind = 'api' | 'exchange' | 'refresh' | 'revoke';

interface ResponseLike {
  status?: number;
  data?: unknown;
  headers?: unknown;
}

/** Short-lived: back off and retry. */
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
/** Can last hours ("Calendar usage limits exceeded", a project's daily quota): stop for long, do not retry hot. */
const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded']);

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, unknown>;
  const value = record[name] ?? record[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function parseBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

function make(kind: ProviderErrorKind, status: number | undefined, code: string | undefined, retryAfterSeconds?: number): ProviderError {
  const message = `google ${status ?? 'network'}${code ? ` ${code}` : ''}`;
  return new ProviderError(kind, 'google', message, {
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}

export function malformed(what: string): ProviderError {
  return new ProviderError('malformed_response', 'google', `google malformed ${what}`);
}

function classifyHttp(status: number, body: unknown, retryAfter: number | undefined, call: GoogleCallKind): ProviderError {
  const oauth = oauthErrorSchema.safeParse(body);
  if (oauth.success && call !== 'api') {
    const code = oauth.data.error;
    if (code === 'invalid_grant') return make(call === 'refresh' ? 'access_revoked' : 'invalid_request', status, code);
    if (code === 'invalid_token' && call === 'revoke') return make('not_found', status, code);
    if (status >= 500) return make('transient', status, code, retryAfter);
    if (status === 429) return make('rate_limited', status, code, retryAfter);
    return make('invalid_request', status, code);
  }
  const api = apiErrorSchema.safeParse(body);
  const reason = api.success ? api.data.error.errors?.[0]?.reason : oauth.success ? oauth.data.error : undefined;

  if (status === 401) return make('unauthorized', status, reason);
  if (status === 429) return make('rate_limited', status, reason, retryAfter);
  if (status === 403 && reason && RATE_LIMIT_REASONS.has(reason)) return make('rate_limited', status, reason, retryAfter);
  if (status === 403 && reason && QUOTA_REASONS.has(reason)) return make('quota_exhausted', status, reason, retryAfter);
  // A scope the user did not grant (granular consent): the grant itself is fine, what it allows keeps working.
  if (status === 403 && reason === 'insufficientPermissions') return make('insufficient_scope', status, reason);
  if (status === 403 && reason === 'authError') return make('access_revoked', status, reason);
  // Shared fields of an invitation belong to its organizer.
  if (status === 403 && reason === 'forbiddenForNonOrganizer') return make('not_organizer', status, reason);
  // Any other 403 (forbidden, requiredAccessLevel on a reader calendar, ...) is about this resource only.
  if (status === 403) return make('permission_denied', status, reason);
  if (status === 410 && (reason === 'fullSyncRequired' || reason === 'updatedMinTooLongAgo')) return make('cursor_expired', status, reason);
  if (status === 404 || status === 410) return make('not_found', status, reason);
  if (status === 412) return make('version_conflict', status, reason);
  if (status === 408 || status >= 500) return make('transient', status, reason, retryAfter);
  return make('invalid_request', status, reason);
}

export function toProviderError(error: unknown, call: GoogleCallKind = 'api'): ProviderError {
  if (error instanceof ProviderError) return error;
  const response = (error as { response?: ResponseLike } | null)?.response;
  if (response && typeof response.status === 'number') {
    const retryAfter = parseRetryAfter(headerValue(response.headers, 'retry-after'));
    return classifyHttp(response.status, parseBody(response.data), retryAfter, call);
  }
  if (error instanceof SyntaxError) return malformed('body');
  // No HTTP answer: reset, refused, DNS, timeout/abort. Safe to retry with backoff.
  const code = (error as { code?: unknown } | null)?.code;
  return make('transient', undefined, typeof code === 'string' && /^[A-Z_]+$/i.test(code) ? code : undefined);
}
