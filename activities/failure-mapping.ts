// Turns failures of our own layers into Temporal activity failures the workflows act on: the type is the
// failure's catalogue code (domain/failures.ts), codes retrying cannot fix are non-retryable, and a rate
// limit waits the provider's Retry-After. Messages stay secret-free (they end up in history).
import { ApplicationFailure } from '@temporalio/common';
import { FAILURES, isFailure } from '../domain/failures';
import { isProviderError } from '../providers/errors';
import { isVaultError } from '../vault/errors';

export function toActivityFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (isProviderError(error)) {
    const retryAfter = error.details.retryAfterSeconds;
    return ApplicationFailure.create({
      type: error.kind,
      message: `${error.provider}: ${error.message}`,
      nonRetryable: !error.retryable,
      details: [
        { kind: error.kind, status: error.details.status, code: error.details.code, retryAfterSeconds: error.details.retryAfterSeconds },
      ],
      ...(error.kind === 'rate_limited' && retryAfter ? { nextRetryDelay: `${retryAfter}s` } : {}),
    });
  }
  if (isFailure(error)) {
    const { subject, fields } = error.extra;
    return ApplicationFailure.create({
      type: error.code,
      message: error.message,
      nonRetryable: !error.retryable,
      // Field problems travel as details (the API names them); the subject says what was not found.
      details: fields ?? (subject ? [{ subject }] : []),
    });
  }
  if (isVaultError(error)) {
    // A vault failure (tampered ciphertext, unknown key) needs an operator, not a retry storm.
    const code = `vault_${error.code}` as const;
    return ApplicationFailure.create({ type: code, message: error.message, nonRetryable: !FAILURES[code].retryable });
  }
  return error;
}

/** Wraps every function of an activities object so its failures are mapped by toActivityFailure. */
export function withFailureMapping<T extends object>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (error) {
        throw toActivityFailure(error);
      }
    };
  }
  return wrapped as T;
}
