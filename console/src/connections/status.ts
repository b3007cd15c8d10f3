// A connection's state as one indicator (healthy, syncing, error, needs reconnect, needs attention) with
// the last error in plain words and what to do about it; and the words for what the status lists besides:
// calendar-level problems, deletions the mass-delete breaker holds, push being unavailable.
import type { CalendarIssue, Connection, HeldDeletions } from '../api/types';

export type Tone = 'ok' | 'busy' | 'error' | 'warn';

export interface Indicator {
  tone: Tone;
  label: 'Healthy' | 'Syncing' | 'Error' | 'Needs reconnect' | 'Needs attention';
  /** What is going on and what to do, in plain words. */
  detail: string;
}

const REVOKED = 'The calendar account withdrew access. Reconnect it to resume syncing.';
const ERROR_WORDS: Record<string, string> = {
  access_revoked: REVOKED,
  invalid_grant: REVOKED,
  reconnect_required: REVOKED,
  rate_limited: 'The calendar provider is limiting requests for now. Syncing resumes by itself; nothing to do.',
  budget_exhausted: 'This service paused its requests to the provider to stay within its limits. Syncing resumes by itself; nothing to do.',
  quota_exhausted:
    "The provider's daily usage limit for this account is used up. Syncing waits and resumes by itself later; nothing to do.",
  transient: 'The calendar provider had a temporary problem. The next sync tries again by itself; use Sync now to try at once.',
  unauthorized: 'The provider did not accept the sign-in just now. The next sync tries again; if this stays, reconnect.',
  insufficient_scope:
    'The calendar account did not grant every permission the service needs. Reconnect it and leave all permissions ticked.',
  permission_denied: "A calendar can't be read or written with the access granted. Check the calendars below, or reconnect.",
  not_found: 'A calendar was not found at the provider. Check the calendars below.',
  malformed_response: 'The provider answered something unexpected. The next sync tries again; if this stays, contact support.',
  cursor_expired: 'The provider asked for a full resync. It runs by itself with the next sync.',
  refresh_failed: 'Renewing access with the provider failed. It is retried by itself; if this stays, reconnect.',
  sync_failed: 'The last sync failed. It is retried by itself; use Sync now to try at once.',
};

export function errorWords(error: { code: string; message: string } | null): string {
  if (!error) return ERROR_WORDS.sync_failed!;
  return ERROR_WORDS[error.code] ?? `The last sync failed (${error.message}). It is retried by itself; use Sync now to try at once.`;
}

function heldSummary(held: HeldDeletions[] | null): string {
  const events = (held ?? []).reduce((sum, calendar) => sum + calendar.pending, 0);
  const what = events > 0 ? `${events} ${events === 1 ? 'deletion is' : 'deletions are'}` : 'Deletions are';
  return `${what} on hold: more of a calendar disappeared at once than looks safe. Check them below, then confirm or keep the events.`;
}

export function indicatorOf(connection: Connection): Indicator {
  const health = connection.health ?? connection.status;
  if (health === 'needs_reconnect') return { tone: 'error', label: 'Needs reconnect', detail: REVOKED };
  if (health === 'error') return { tone: 'error', label: 'Error', detail: errorWords(connection.lastError) };
  if (health === 'needs_attention') return { tone: 'warn', label: 'Needs attention', detail: heldSummary(connection.heldDeletions) };
  if (!connection.workflowReachable) {
    return {
      tone: 'warn',
      label: 'Needs attention',
      detail: 'The sync service is not answering for this calendar right now. This page updates by itself when it does.',
    };
  }
  if (connection.syncing || !connection.lastSync) {
    return {
      tone: 'busy',
      label: 'Syncing',
      detail: connection.lastSync ? 'Bringing the calendar up to date.' : 'The first sync is running.',
    };
  }
  if (connection.lastSync.outcome === 'error') return { tone: 'error', label: 'Error', detail: errorWords(connection.lastError) };
  if (connection.migrationRequired) {
    return {
      tone: 'warn',
      label: 'Needs attention',
      detail: 'Its tokens still wait for the vault migration. An administrator runs it from the banner on this page.',
    };
  }
  return { tone: 'ok', label: 'Healthy', detail: 'Up to date.' };
}

/** Why a held deletion was held, and how many, in words. */
export function heldDeletionWords(held: HeldDeletions): string {
  const events = `${held.pending} of its ${held.stored} ${held.stored === 1 ? 'event' : 'events'}`;
  if (held.reason === 'empty_listing') {
    return `The provider listed no event at all for this calendar, so ${events} would be deleted. That can be an outage at the provider.`;
  }
  if (held.reason === 'share') return `${events} were deleted at the provider at once, more than looks safe.`;
  return `${events} would be deleted (${held.reason}).`;
}

const ISSUE_WORDS: Record<string, string> = {
  permission_denied: "This calendar can't be read with the access granted.",
  not_found: 'The provider did not find this calendar.',
  deleted_or_unshared_at_provider: 'Deleted at the provider, or no longer shared with this account: it no longer syncs.',
  rate_limited: 'The provider limited requests for this calendar; it is tried again by itself.',
  quota_exhausted: "The provider's usage limit stopped this calendar's sync for now; it resumes by itself.",
  transient: 'The provider had a temporary problem with this calendar; it is tried again by itself.',
};

/** A calendar's own problem, next to it in the calendar selection. */
export function calendarIssueWords(issue: CalendarIssue): string {
  return (
    ISSUE_WORDS[issue.code] ??
    (issue.removed ? 'Removed at the provider: it no longer syncs.' : `This calendar's last sync failed (${issue.code}).`)
  );
}

const PUSH_WORDS: Record<string, string> = {
  https_required:
    'Changes made in the calendar arrive by regular checks, not instantly: the provider sends notices only to https addresses.',
  notification_url_refused:
    'Changes made in the calendar arrive by regular checks, not instantly: the provider refused the notification address.',
};

/** A quiet note when push is unavailable (polling carries on), or null. */
export function pushNote(connection: Connection): string | null {
  if (!connection.push || connection.push.available) return null;
  const reason = connection.push.reason;
  return (reason && PUSH_WORDS[reason.code]) ?? 'Changes made in the calendar arrive by regular checks, not instantly.';
}
