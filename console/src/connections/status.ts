// A connection's state as one indicator (healthy, syncing, error, needs reconnect, needs attention) with
// the last error in plain words and what to do about it.
import type { Connection } from '../api/types';

export type Tone = 'ok' | 'busy' | 'error' | 'warn';

export interface Indicator {
  tone: Tone;
  label: 'Healthy' | 'Syncing' | 'Error' | 'Needs reconnect' | 'Needs attention';
  /** What is going on and what to do, in plain words. */
  detail: string;
}

const ERROR_WORDS: Record<string, string> = {
  access_revoked: 'The calendar account withdrew access. Reconnect it to resume syncing.',
  invalid_grant: 'The calendar account withdrew access. Reconnect it to resume syncing.',
  reconnect_required: 'The calendar account withdrew access. Reconnect it to resume syncing.',
  rate_limited: 'The calendar provider is limiting requests for now. Syncing resumes by itself; nothing to do.',
  transient: 'The calendar provider had a temporary problem. The next sync tries again by itself; use Sync now to try at once.',
  unauthorized: 'The provider did not accept the sign-in just now. The next sync tries again; if this stays, reconnect.',
  malformed_response: 'The provider answered something unexpected. The next sync tries again; if this stays, contact support.',
  cursor_expired: 'The provider asked for a full resync. It runs by itself with the next sync.',
  refresh_failed: 'Renewing access with the provider failed. It is retried by itself; if this stays, reconnect.',
  sync_failed: 'The last sync failed. It is retried by itself; use Sync now to try at once.',
};

export function errorWords(error: { code: string; message: string } | null): string {
  if (!error) return 'The last sync failed. It is retried by itself; use Sync now to try at once.';
  return ERROR_WORDS[error.code] ?? `The last sync failed (${error.message}). It is retried by itself; use Sync now to try at once.`;
}

export function indicatorOf(connection: Connection): Indicator {
  const health = connection.health ?? connection.status;
  if (health === 'needs_reconnect')
    return { tone: 'error', label: 'Needs reconnect', detail: errorWords({ code: 'access_revoked', message: '' }) };
  if (health === 'error') return { tone: 'error', label: 'Error', detail: errorWords(connection.lastError) };
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
