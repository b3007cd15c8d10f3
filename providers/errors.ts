// The one error taxonomy every provider failure is mapped to. Workflows and activities act on `kind`;
// adapters classify by HTTP status and the provider's reason/error codes, never by message text.

export type ProviderErrorKind =
  | 'access_revoked' // invalid_grant: the user must reconnect; never retried
  | 'unauthorized' // 401 on an API call: refresh the access token, then retry
  | 'rate_limited' // 429 / 403 rateLimitExceeded / 503 with Retry-After: wait, then retry
  | 'transient' // 5xx, timeouts, dropped connections: retry with backoff
  | 'cursor_expired' // Google 410 fullSyncRequired / Graph syncStateNotFound, resyncRequired: full resync
  | 'not_found'
  | 'version_conflict' // 412 on If-Match: someone else changed the event
  | 'invalid_request' // 400 and anything else the caller must fix: never retried
  | 'malformed_response'; // the provider answered something we cannot read: write nothing

export const NON_RETRYABLE_KINDS: readonly ProviderErrorKind[] = [
  'access_revoked',
  'invalid_request',
  'not_found',
  'version_conflict',
  'cursor_expired',
  'malformed_response',
];

export class ProviderError extends Error {
  override readonly name = 'ProviderError';

  constructor(
    readonly kind: ProviderErrorKind,
    readonly provider: string,
    /** A short, secret-free description (status and provider reason code), safe to log and return. */
    message: string,
    readonly details: {
      status?: number;
      /** Provider's machine-readable code: `invalid_grant`, `rateLimitExceeded`, `ErrorIrresolvableConflict`... */
      code?: string;
      /** Seconds to wait before retrying, from Retry-After. */
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
  }

  get retryable(): boolean {
    return !NON_RETRYABLE_KINDS.includes(this.kind);
  }
}

export function isProviderError(error: unknown, kind?: ProviderErrorKind): error is ProviderError {
  return error instanceof ProviderError && (kind === undefined || error.kind === kind);
}
