// What a Temporal client error says: the cluster unreachable, a deadline passed, or a failed update whose
// innermost ApplicationFailure carries the failure code (domain/failures.ts) an activity or a validator set.
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_FAILED_PRECONDITION = 9;

function grpcCode(error: unknown): number | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The Temporal cluster cannot be reached. */
export function isTemporalUnavailable(error: unknown): boolean {
  return error instanceof ServiceError && grpcCode(error) === GRPC_UNAVAILABLE;
}

/**
 * The server refused an update because the workflow's last workflow task failed or timed out (its worker
 * died holding it): "Workflow Task in failed state" until a worker completes the next attempt, seconds later.
 * Nothing was admitted, so the same request can be sent again.
 */
export function isWorkflowTaskRecovering(error: unknown): boolean {
  return error instanceof ServiceError && grpcCode(error) === GRPC_FAILED_PRECONDITION;
}

/** A call's deadline passed before the workflow answered. */
export function isDeadlineExceeded(error: unknown): boolean {
  return (
    (error instanceof ServiceError && grpcCode(error) === GRPC_DEADLINE_EXCEEDED) ||
    error instanceof WorkflowUpdateRPCTimeoutOrCancelledError
  );
}

/** The innermost ApplicationFailure of a failure chain (update -> activity -> application). */
export function applicationFailureIn(error: unknown): ApplicationFailure | undefined {
  let found: ApplicationFailure | undefined;
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (current instanceof ApplicationFailure) found = current;
    current = (current as { cause?: unknown }).cause;
  }
  return found;
}
