// What a Temporal client error means for an HTTP caller: the cluster unreachable (503), the workflow gone
// (404/null status), or a failed update whose cause carries the activity's error type (access_revoked,
// version_conflict, ...) or the validator's invalid_request with field details.
import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { ApiError } from './errors';

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

function grpcCode(error: unknown): number | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isTemporalUnavailable(error: unknown): boolean {
  return error instanceof ServiceError && grpcCode(error) === GRPC_UNAVAILABLE;
}

export function isDeadlineExceeded(error: unknown): boolean {
  return (
    (error instanceof ServiceError && grpcCode(error) === GRPC_DEADLINE_EXCEEDED) ||
    error instanceof WorkflowUpdateRPCTimeoutOrCancelledError
  );
}

export function temporalUnavailable(): ApiError {
  return new ApiError(503, 'temporal_unavailable', 'The workflow engine is unreachable; try again shortly', undefined, {
    'Retry-After': '5',
  });
}

export { WorkflowNotFoundError };

/** The innermost ApplicationFailure of a failure chain (update -> activity -> application). */
export function applicationFailureIn(error: unknown): ApplicationFailure | undefined {
  let found: ApplicationFailure | undefined;
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (current instanceof ApplicationFailure) found = current;
    current = (current as { cause?: unknown }).cause;
  }
  return found;
}

function detailsOf(failure: ApplicationFailure): Array<{ field: string; message: string }> | undefined {
  const details = failure.details?.filter(
    (detail): detail is { field: string; message: string } =>
      typeof detail === 'object' && detail !== null && typeof (detail as { field?: unknown }).field === 'string',
  );
  return details && details.length > 0
    ? details.map(({ field, message }) => ({ field: `body.${field}`, message: String(message) }))
    : undefined;
}

/** Maps a failed meeting update to the API's error; anything unrecognised is rethrown. */
export function updateFailureToApiError(error: unknown): ApiError | undefined {
  if (error instanceof WorkflowNotFoundError)
    return new ApiError(409, 'connection_not_running', 'The connection is not running; reconnect it');
  if (isTemporalUnavailable(error)) return temporalUnavailable();
  if (isDeadlineExceeded(error)) {
    return new ApiError(
      503,
      'workflow_unavailable',
      'The connection did not answer in time; retry with the same Idempotency-Key',
      undefined,
      { 'Retry-After': '5' },
    );
  }
  if (!(error instanceof WorkflowUpdateFailedError) && !(error instanceof TemporalFailure)) return undefined;
  const failure = applicationFailureIn(error);
  const type = failure?.type ?? undefined;
  switch (type) {
    case 'invalid_request': {
      // The update validator names fields; an invalid_request without fields is the provider refusing.
      const details = detailsOf(failure!);
      if (details?.[0]) return new ApiError(400, 'invalid_request', `${details[0].field}: ${details[0].message}`, details);
      return new ApiError(422, 'provider_rejected', 'The calendar provider rejected the meeting');
    }
    case 'not_found':
      return ApiError.notFound('Meeting');
    case 'connection_gone':
      return ApiError.notFound('Connection');
    case 'version_conflict':
      return new ApiError(409, 'version_conflict', 'The event changed at the provider meanwhile; read it again and retry');
    case 'access_revoked':
      return new ApiError(409, 'reconnect_required', 'The calendar account revoked access; reconnect it');
    case 'rate_limited':
      return new ApiError(503, 'provider_rate_limited', 'The calendar provider is rate limiting; retry later', undefined, {
        'Retry-After': '30',
      });
    case 'reconnect_required':
      return new ApiError(409, 'reconnect_required', 'The connection needs reconnecting');
    case 'connection_disconnected':
      return new ApiError(409, 'connection_disconnected', 'The connection is disconnected');
    default:
      break;
  }
  return new ApiError(502, 'provider_error', 'The meeting could not be written to the calendar');
}
