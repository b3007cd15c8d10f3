// Maps every failure of a Graph or identity-platform call onto ProviderError, by HTTP status and the
// machine-readable codes (Graph `error.code`, identity `error` / `error_codes`), never by message text.
// Messages carry status and code only: no tokens, no addresses.
import { GraphError } from '@microsoft/microsoft-graph-client';
import { ZodError } from 'zod';
import { ProviderError } from '../errors';

const PROVIDER = 'microsoft';

/** Retry-After as seconds (Graph sends seconds; an HTTP date is accepted too). */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

const CURSOR_CODES = new Set(['syncStateNotFound', 'resyncRequired', 'syncStateInvalid']);

export function classifyHttp(status: number, code: string | undefined, retryAfterSeconds: number | undefined): ProviderError {
  const details = { status, ...(code ? { code } : {}), ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  const message = `Microsoft Graph answered ${status}${code ? ` ${code}` : ''}`;
  if (code && CURSOR_CODES.has(code)) return new ProviderError('cursor_expired', PROVIDER, message, details);
  if (status === 401) return new ProviderError('unauthorized', PROVIDER, message, details);
  // 403 (ErrorAccessDenied, Forbidden) is about this resource: a shared or delegated calendar the grant does not
  // reach (Calendars.Read.Shared), a mailbox the app may not open. A revoked grant shows as 401 and as
  // invalid_grant at refresh, never as 403, so the connection itself stays usable.
  if (status === 403) return new ProviderError('permission_denied', PROVIDER, message, details);
  if (status === 404) return new ProviderError('not_found', PROVIDER, message, details);
  if (status === 410) return new ProviderError('cursor_expired', PROVIDER, message, details);
  if (status === 412 || (status === 409 && code === 'ErrorIrresolvableConflict')) {
    return new ProviderError('version_conflict', PROVIDER, message, details);
  }
  if (status === 429 || ((status === 503 || status === 504) && retryAfterSeconds !== undefined)) {
    return new ProviderError('rate_limited', PROVIDER, message, { ...details, retryAfterSeconds: retryAfterSeconds ?? 1 });
  }
  if (status >= 500 || status === 408) return new ProviderError('transient', PROVIDER, message, details);
  if (status >= 200 && status < 300) return new ProviderError('malformed_response', PROVIDER, message, details);
  return new ProviderError('invalid_request', PROVIDER, message, details);
}

/** Any error thrown while calling Graph through the client library. */
export function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof ZodError) return new ProviderError('malformed_response', PROVIDER, 'Microsoft Graph answered an unreadable body');
  if (error instanceof GraphError) {
    const status = error.statusCode;
    if (status <= 0 || Number.isNaN(status)) {
      // No HTTP answer: dropped connection, timeout, TLS failure, or a body that is not JSON.
      if (error.code === 'SyntaxError')
        return new ProviderError('malformed_response', PROVIDER, 'Microsoft Graph answered an unreadable body');
      return new ProviderError('transient', PROVIDER, `Microsoft Graph unreachable (${error.code ?? 'network error'})`);
    }
    if (status >= 200 && status < 300)
      return new ProviderError('malformed_response', PROVIDER, `Microsoft Graph answered an unreadable ${status} body`, { status });
    return classifyHttp(status, error.code ?? undefined, parseRetryAfter(error.headers?.get('retry-after')));
  }
  if (error instanceof SyntaxError) return new ProviderError('malformed_response', PROVIDER, 'Microsoft answered an unreadable body');
  const name = error instanceof Error ? error.name : 'unknown';
  return new ProviderError('transient', PROVIDER, `Microsoft request failed (${name})`);
}

/** Identity-platform token endpoint errors (`{"error","error_codes":[...]}`). */
export function identityError(
  status: number,
  body: { error?: string; error_codes?: number[] } | undefined,
  retryAfter: string | null,
): ProviderError {
  const code = body?.error;
  const aadsts = body?.error_codes?.[0];
  const details = { status, ...(code ? { code: aadsts ? `${code}/AADSTS${aadsts}` : code } : {}) };
  const message = `Microsoft identity platform answered ${status}${details.code ? ` ${details.code}` : ''}`;
  // Problems with this particular code exchange (reused code, wrong verifier or redirect) are the caller's,
  // not a revoked grant: AADSTS54005, 501481, 50148, 9002313.
  const requestProblems = new Set([54005, 501481, 50148, 9002313]);
  if (code === 'invalid_grant') {
    return aadsts !== undefined && requestProblems.has(aadsts)
      ? new ProviderError('invalid_request', PROVIDER, message, details)
      : new ProviderError('access_revoked', PROVIDER, message, details);
  }
  if (code === 'interaction_required' || code === 'consent_required')
    return new ProviderError('access_revoked', PROVIDER, message, details);
  if (status === 429 || status === 503 || code === 'temporarily_unavailable') {
    return new ProviderError('rate_limited', PROVIDER, message, { ...details, retryAfterSeconds: parseRetryAfter(retryAfter) ?? 1 });
  }
  if (status >= 500 || code === 'server_error') return new ProviderError('transient', PROVIDER, message, details);
  return new ProviderError('invalid_request', PROVIDER, message, details);
}
