// The connection workflow's activities, by kind of work, each with the timeouts and retry policy that fit
// it. Failure codes that retrying cannot fix (domain/failures.ts) are never retried; a rate limit waits the
// provider's Retry-After (activities/failure-mapping.ts).
import { proxyActivities } from '@temporalio/workflow';
import type { ConnectionActivities } from '../../activities/connection/types';
import { NON_RETRYABLE_FAILURES } from '../../domain/failures';

const nonRetryableErrorTypes = [...NON_RETRYABLE_FAILURES];

/** A sync heartbeats after every committed page; a crashed worker's attempt is retried after 30 s. */
export const sync = proxyActivities<ConnectionActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 6, nonRetryableErrorTypes },
});

/** One provider call and its database write (meetings, edits, tokens, push channels). */
export const provider = proxyActivities<ConnectionActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8, nonRetryableErrorTypes },
});

/**
 * CRM-side writes a person waits for (scheduling, rescheduling, cancelling, edits): the API gives up after
 * 30 s, so a worker that dies mid-call must be noticed within seconds, not after a minute. The activity
 * heartbeats while it runs (activities/connection/call-contexts.ts): a dead worker misses the 3 s heartbeat
 * and another worker retries at once; the retry is idempotent (the same idempotency key at the provider, the
 * row unique per request id). 12 s bounds one attempt, provider budget wait included (8 s).
 */
export const interactiveWrite = proxyActivities<ConnectionActivities>({
  startToCloseTimeout: '12 seconds',
  heartbeatTimeout: '3 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '5 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes,
  },
});

/** Database-only work (context, health, reminders, migration). */
export const local = proxyActivities<ConnectionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes },
});

/** Reads a person is waiting for (calendars, free/busy): short, and few retries. */
export const interactive = proxyActivities<ConnectionActivities>({
  startToCloseTimeout: '20 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '5 seconds',
    maximumAttempts: 3,
    nonRetryableErrorTypes,
  },
});
