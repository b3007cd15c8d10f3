// A provider call's failure, classified into the service's failure catalogue (domain/failures.ts) by the
// adapters from HTTP status and the provider's reason/error codes, never from message text.
import { Failure, type FailureCode } from '../domain/failures';

/** The catalogue codes a provider call can fail with. */
export type ProviderErrorKind = Extract<
  FailureCode,
  | 'access_revoked'
  | 'unauthorized'
  | 'rate_limited'
  | 'transient'
  | 'cursor_expired'
  | 'not_found'
  | 'version_conflict'
  | 'invalid_request'
  | 'malformed_response'
  | 'permission_denied'
  | 'not_organizer'
  | 'insufficient_scope'
  | 'quota_exhausted'
>;

export class ProviderError extends Failure {
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
    super(kind, message);
  }
}

export function isProviderError(error: unknown, kind?: ProviderErrorKind): error is ProviderError {
  return error instanceof ProviderError && (kind === undefined || error.kind === kind);
}
