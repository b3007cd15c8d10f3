// Update validators: they run before an update is accepted, so a rejected request leaves nothing in the
// workflow's history. Each update's input has one schema (input-schemas.ts); a failure names every field (`details`), so
// the API can answer 400 with the same shape as its own checks. The connection's state is checked first:
// nothing is accepted for a disconnected connection, nor provider work while it needs reconnecting.
import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';
import type { UpdateKind } from './input-schemas';
import { inputSchemas } from './input-schemas-on-demand';
import type { ConnectionState } from './state';

function invalidRequest(issues: z.core.$ZodIssue[]): ApplicationFailure {
  const details = issues.map((issue) => ({ field: issue.path.map(String).join('.') || 'input', message: issue.message }));
  const first = details[0]!;
  return ApplicationFailure.create({ type: 'invalid_request', message: `${first.field}: ${first.message}`, nonRetryable: true, details });
}

/** Rejects everything for a disconnected connection (or one whose disconnect is pending). */
export function requireConnected(state: ConnectionState): void {
  if (state.pending.disconnect || state.health === 'disconnected') {
    throw ApplicationFailure.create({ type: 'connection_disconnected', message: 'The connection is disconnected', nonRetryable: true });
  }
}

/** Rejects provider work for a connection that is disconnected or needs reconnecting. */
export function requireActive(state: ConnectionState): void {
  requireConnected(state);
  if (state.health === 'needs_reconnect') {
    throw ApplicationFailure.create({ type: 'reconnect_required', message: 'The connection needs reconnecting', nonRetryable: true });
  }
}

/** The validator of an update that calls the provider: an active connection and a valid input. */
export function activeAnd<K extends UpdateKind>(kind: K, state: () => ConnectionState) {
  return (input: unknown): void => {
    requireActive(state());
    const result = inputSchemas().updateInputSchemas[kind].safeParse(input);
    if (!result.success) throw invalidRequest(result.error.issues);
  };
}

/** The validator of an update that only touches the service's own records: a connected connection and a valid input. */
export function connectedAnd<K extends UpdateKind>(kind: K, state: () => ConnectionState) {
  return (input: unknown): void => {
    requireConnected(state());
    const result = inputSchemas().updateInputSchemas[kind].safeParse(input);
    if (!result.success) throw invalidRequest(result.error.issues);
  };
}
