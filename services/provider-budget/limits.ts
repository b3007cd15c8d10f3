// The providers' published limits as the budget's buckets, from configuration (config/index.ts):
// - Google Calendar: 600 requests per minute per user per project, 10,000 per minute per project, counted on
//   a sliding window (developers.google.com/workspace/calendar/api/guides/quota).
// - Microsoft Graph (Outlook): 10,000 requests per 10 minutes per app per mailbox, 4 concurrent requests per
//   mailbox, and 130,000 per 10 seconds per app across all tenants (learn.microsoft.com/graph/throttling-limits).
import type { Config } from '../../config';
import { bucketSpec, type BucketSpec, type RateLimit } from '../../domain/token-bucket';

export interface BudgetLimits {
  google: { perUser: RateLimit; perProject: RateLimit };
  microsoft: { perMailbox: RateLimit; perApp: RateLimit; concurrentPerMailbox: number };
  /** How long an account is left alone after the provider said its quota is exhausted. */
  quotaBackoffMs: number;
}

export function budgetLimitsFrom(
  config: Pick<
    Config,
    | 'GOOGLE_REQUESTS_PER_MINUTE_PER_USER'
    | 'GOOGLE_REQUESTS_PER_MINUTE_PER_PROJECT'
    | 'MICROSOFT_REQUESTS_PER_10_MINUTES_PER_MAILBOX'
    | 'MICROSOFT_CONCURRENT_REQUESTS_PER_MAILBOX'
    | 'MICROSOFT_REQUESTS_PER_10_SECONDS_PER_APP'
    | 'PROVIDER_QUOTA_BACKOFF_SECONDS'
  >,
): BudgetLimits {
  return {
    google: {
      perUser: { requests: config.GOOGLE_REQUESTS_PER_MINUTE_PER_USER, windowMs: 60_000 },
      perProject: { requests: config.GOOGLE_REQUESTS_PER_MINUTE_PER_PROJECT, windowMs: 60_000 },
    },
    microsoft: {
      perMailbox: { requests: config.MICROSOFT_REQUESTS_PER_10_MINUTES_PER_MAILBOX, windowMs: 600_000 },
      perApp: { requests: config.MICROSOFT_REQUESTS_PER_10_SECONDS_PER_APP, windowMs: 10_000 },
      concurrentPerMailbox: config.MICROSOFT_CONCURRENT_REQUESTS_PER_MAILBOX,
    },
    quotaBackoffMs: config.PROVIDER_QUOTA_BACKOFF_SECONDS * 1000,
  };
}

/** Whose budget a call draws from: the OAuth client's project (or app) and the account (user, mailbox). */
export interface BudgetScope {
  provider: 'google' | 'microsoft';
  /** The OAuth client: the platform's (`platform`) or an organization's own client row id. */
  project: string;
  /** The calendar account (lower-case email); undefined before it is known (the first call at connect). */
  account?: string;
}

export interface BudgetPlan {
  /** The project-wide bucket (everyone of the project queues for it in priority order). */
  project: { key: string; spec: BucketSpec };
  account?: { key: string; spec: BucketSpec };
  /** Concurrency slots (Graph: per mailbox). */
  slots?: { key: string; count: number };
}

export function planFor(limits: BudgetLimits, scope: BudgetScope): BudgetPlan {
  if (scope.provider === 'google') {
    return {
      project: { key: `google:project:${scope.project}`, spec: bucketSpec(limits.google.perProject) },
      ...(scope.account
        ? { account: { key: `google:user:${scope.project}:${scope.account}`, spec: bucketSpec(limits.google.perUser) } }
        : {}),
    };
  }
  const mailbox = scope.account ? `microsoft:mailbox:${scope.project}:${scope.account}` : undefined;
  return {
    project: { key: `microsoft:app:${scope.project}`, spec: bucketSpec(limits.microsoft.perApp) },
    ...(mailbox
      ? {
          account: { key: mailbox, spec: bucketSpec(limits.microsoft.perMailbox) },
          slots: { key: mailbox, count: limits.microsoft.concurrentPerMailbox },
        }
      : {}),
  };
}
