// What a failed call means for an HTTP caller. Failures carry a code of the failure catalogue
// (domain/failures.ts), which says the status, the public code and the message; thrown directly by a
// service in the API process, or raised in the worker and delivered through a workflow update. Temporal
// itself failing (unreachable, too slow, no workflow) has answers of its own.
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { TemporalFailure } from '@temporalio/common';
import { applicationFailureIn, isDeadlineExceeded, isTemporalUnavailable, isWorkflowTaskRecovering } from '../../clients/temporal-errors';
import { FAILURES, isFailure, isFailureCode, type FailureCode, type FieldProblem } from '../../domain/failures';
import { ApiError, temporalUnavailable } from './errors';

interface FailureFacts {
  code: FailureCode;
  subject?: string;
  fields?: FieldProblem[];
}

function factsOf(error: unknown): FailureFacts | undefined {
  if (isFailure(error)) return { code: error.code, ...error.extra };
  const failure = applicationFailureIn(error);
  if (!failure || !isFailureCode(failure.type)) return undefined;
  const details = (failure.details ?? []).filter(
    (detail): detail is Record<string, unknown> => typeof detail === 'object' && detail !== null,
  );
  const fields = details
    .filter((detail) => typeof detail.field === 'string')
    .map((detail) => ({ field: String(detail.field), message: String(detail.message) }));
  const subject = details.find((detail) => typeof detail.subject === 'string')?.subject as string | undefined;
  return { code: failure.type, ...(fields.length ? { fields } : {}), ...(subject ? { subject } : {}) };
}

/** The catalogue's answer for a failure code; `subject` names what was not found (the failure's own wins). */
export function failureAnswer(facts: FailureFacts, subject: string): ApiError {
  if (facts.code === 'invalid_request' && facts.fields?.length) {
    // An update validator or a service named the fields: the caller's input, answered like the API's own checks.
    const details = facts.fields.map(({ field, message }) => ({ field: `body.${field}`, message }));
    return new ApiError(400, 'invalid_request', `${details[0]!.field}: ${details[0]!.message}`, details);
  }
  const http = FAILURES[facts.code].http;
  const message = http.message.replace('{subject}', facts.subject ?? subject);
  const headers = 'retryAfterSeconds' in http ? { 'Retry-After': String(http.retryAfterSeconds) } : undefined;
  return new ApiError(http.status, http.code, message, undefined, headers);
}

/** The connection's workflow could not take the request now; the same request (same key) can be sent again. */
function workflowUnavailable(why: string, retryAfterSeconds: number): ApiError {
  return new ApiError(503, 'workflow_unavailable', `The connection ${why}; retry with the same Idempotency-Key`, undefined, {
    'Retry-After': String(retryAfterSeconds),
  });
}

/**
 * Maps an error of a workflow call (or of a service) to the API's answer; `subject` names the resource a
 * not-found refers to (Meeting, Event...). Returns undefined for errors it does not recognise.
 */
export function failureResponse(error: unknown, subject: string): ApiError | undefined {
  if (error instanceof WorkflowNotFoundError)
    return new ApiError(409, 'connection_not_running', 'The connection is not running; reconnect it');
  if (isTemporalUnavailable(error)) return temporalUnavailable();
  if (isDeadlineExceeded(error)) return workflowUnavailable('did not answer in time', 5);
  if (isWorkflowTaskRecovering(error)) return workflowUnavailable('is recovering from a worker restart', 2);
  const facts = factsOf(error);
  if (facts) return failureAnswer(facts, subject);
  if (error instanceof WorkflowUpdateFailedError || error instanceof TemporalFailure) {
    return new ApiError(502, 'provider_error', 'The change could not be written to the calendar');
  }
  return undefined;
}

/** Runs a call, answering its failures as the catalogue says. */
export async function answeringFailures<T>(subject: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw failureResponse(error, subject) ?? error;
  }
}
