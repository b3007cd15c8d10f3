// The console's pure decisions, without a browser: a connection's status indicator (which state wins) and
// what the status lists besides in words (held deletions, calendar issues, push), the OAuth round trip's
// failures in words, notifications' kinds and badge, and the per-field merge of a conflict turned into the
// API's `merged` edit.
import { oauthFailure } from '../../console/src/api/oauth-errors';
import type { Connection, EventVersion, HeldDeletions } from '../../console/src/api/types';
import { mergedEdit, type CompareField, type Side } from '../../console/src/conflicts/versions';
import { calendarIssueWords, heldDeletionWords, indicatorOf, pushNote } from '../../console/src/connections/status';
import { kindOf, unreadBadge } from '../../console/src/notifications/kinds';

const healthy: Connection = {
  id: '00000000-0000-4000-8000-000000000001',
  provider: 'google',
  accountEmail: 'a@example.com',
  status: 'active',
  health: 'active',
  workflowReachable: true,
  syncing: false,
  lastSync: { at: '2026-11-28T09:00:00Z', outcome: 'ok', upserted: 1, deleted: 0, unchanged: 0, fullResync: false },
  nextSyncAt: null,
  lastError: null,
  pendingReminders: 0,
  syncedEvents: 1,
  migrationRequired: false,
  oauthClient: 'platform_default',
  createdAt: '2026-11-28T08:00:00Z',
  calendarIssues: [],
  heldDeletions: [],
  push: { available: true },
  lastReconcile: null,
  nextReconcileAt: null,
};

describe('console: connection status indicator', () => {
  it('names the state and what to do, the most urgent first', () => {
    expect(indicatorOf(healthy)).toMatchObject({ tone: 'ok', label: 'Healthy' });
    expect(indicatorOf({ ...healthy, syncing: true }).label).toBe('Syncing');
    expect(indicatorOf({ ...healthy, lastSync: null }).detail).toBe('The first sync is running.');
    expect(indicatorOf({ ...healthy, health: 'needs_reconnect', syncing: true })).toMatchObject({
      tone: 'error',
      label: 'Needs reconnect',
    });
    const failing = { ...healthy, health: 'error' as const, lastError: { code: 'rate_limited', message: 'x', at: healthy.createdAt } };
    expect(indicatorOf(failing)).toMatchObject({ label: 'Error', detail: expect.stringContaining('resumes by itself') });
    const unknownCode = { ...failing, lastError: { ...failing.lastError, code: 'something_new', message: 'Boom' } };
    expect(indicatorOf(unknownCode).detail).toContain('(Boom)');
    expect(indicatorOf({ ...healthy, workflowReachable: false, health: null })).toMatchObject({ tone: 'warn', label: 'Needs attention' });
    expect(indicatorOf({ ...healthy, migrationRequired: true }).label).toBe('Needs attention');
    // The stored row's status speaks when the workflow did not answer.
    expect(indicatorOf({ ...healthy, health: null, status: 'needs_reconnect', workflowReachable: false }).label).toBe('Needs reconnect');
  });
});

describe('console: what needs attention, in words', () => {
  const held: HeldDeletions = {
    calendarId: 'primary',
    name: 'Work',
    pending: 20,
    stored: 29,
    reason: 'share',
    since: '2026-11-28T09:00:00Z',
  };

  it('shows held deletions as Needs attention, counting them, behind a revoked grant or an error', () => {
    const attention = { ...healthy, health: 'needs_attention' as const, heldDeletions: [held, { ...held, calendarId: 'b', pending: 3 }] };
    expect(indicatorOf(attention)).toMatchObject({
      tone: 'warn',
      label: 'Needs attention',
      detail: expect.stringMatching(/^23 deletions/),
    });
    expect(indicatorOf({ ...attention, health: null, status: 'needs_attention', heldDeletions: null }).detail).toMatch(
      /^Deletions are on hold/,
    );
    expect(indicatorOf({ ...attention, health: 'needs_reconnect' }).label).toBe('Needs reconnect');
  });

  it('says how many of a calendar’s events are held, and why', () => {
    expect(heldDeletionWords(held)).toBe('20 of its 29 events were deleted at the provider at once, more than looks safe.');
    expect(heldDeletionWords({ ...held, reason: 'empty_listing', pending: 25, stored: 25 })).toContain('listed no event at all');
    expect(heldDeletionWords({ ...held, reason: 'something_new' })).toContain('(something_new)');
  });

  it('puts calendar-level problems and the new error codes in plain words', () => {
    const issue = { calendarId: 'c', name: 'Team', code: 'permission_denied', at: healthy.createdAt, removed: false };
    expect(calendarIssueWords(issue)).toBe("This calendar can't be read with the access granted.");
    expect(calendarIssueWords({ ...issue, code: 'deleted_or_unshared_at_provider', removed: true })).toContain('no longer syncs');
    expect(calendarIssueWords({ ...issue, code: 'odd', removed: true })).toBe('Removed at the provider: it no longer syncs.');
    expect(calendarIssueWords({ ...issue, code: 'odd' })).toContain('(odd)');
    const error = (code: string) =>
      indicatorOf({ ...healthy, health: 'error', lastError: { code, message: 'm', at: healthy.createdAt } }).detail;
    expect(error('quota_exhausted')).toContain('usage limit');
    expect(error('budget_exhausted')).toContain('resumes by itself');
    expect(error('permission_denied')).toContain("can't be read or written");
    expect(error('insufficient_scope')).toContain('Reconnect');
  });

  it('notes quietly when push is unavailable', () => {
    expect(pushNote(healthy)).toBeNull();
    expect(pushNote({ ...healthy, push: null })).toBeNull();
    const https = { available: false, reason: { code: 'https_required', message: 'x' } };
    expect(pushNote({ ...healthy, push: https })).toContain('only to https addresses');
    expect(pushNote({ ...healthy, push: { available: false } })).toBe(
      'Changes made in the calendar arrive by regular checks, not instantly.',
    );
  });
});

describe('console: the OAuth round trip’s failures in words', () => {
  it('names each code of POST /v1/oauth/complete and the return page', () => {
    for (const code of [
      'oauth_state_mismatch',
      'account_in_use',
      'account_mismatch',
      'expired_state',
      'invalid_state',
      'exchange_failed',
      'provider_busy',
    ]) {
      const failure = oauthFailure(code, 'API message');
      expect([code, failure.message === 'API message', failure.missing]).toEqual([code, false, []]);
    }
    expect(oauthFailure('access_denied').message).toContain('declined');
    expect(oauthFailure('new_code', 'The API says so').message).toBe('The API says so');
  });

  it('lists the missing permissions the API names in error.details, purpose first', () => {
    const failure = oauthFailure('missing_permissions', 'x', [
      {
        field: 'scope',
        message: 'https://www.googleapis.com/auth/calendar.events (view and edit events (sync, meetings, edits)) was not granted',
      },
      { field: 'scope', message: 'Calendars.ReadWrite was not granted in some other words' },
    ]);
    expect(failure.missing).toEqual([
      'view and edit events (sync, meetings, edits) — https://www.googleapis.com/auth/calendar.events',
      'Calendars.ReadWrite was not granted in some other words',
    ]);
    expect(failure.message).toContain('leave these permissions ticked');
    expect(oauthFailure('missing_permissions').message).toContain('allow every permission');
  });
});

describe('console: notifications', () => {
  it('names the kind from the type, and caps the badge at what one request lists', () => {
    expect(kindOf({ type: 'calendar.pre_meeting' })).toBe('Reminder');
    expect(kindOf({ type: 'connection.needs_reconnect' })).toBe('Connection alert');
    expect(kindOf({ type: 'webhook_endpoint.disabled' })).toBe('Webhook alert');
    expect(kindOf({ type: 'other' })).toBe('Notice');
    expect([unreadBadge(0), unreadBadge(3), unreadBadge(200)]).toEqual([null, '3', '200+']);
  });
});

describe('console: per-field merge of a conflict', () => {
  const at = (dateTime: string) => ({ kind: 'dateTime' as const, dateTime, timeZone: 'Europe/Berlin' });
  const base: EventVersion = {
    status: 'confirmed',
    title: 'Planning',
    description: null,
    location: null,
    start: at('2026-12-01T09:00:00.000Z'),
    end: at('2026-12-01T10:00:00.000Z'),
    recurrence: null,
  };
  const local = { ...base, title: 'Planning (CRM)', description: 'agenda' };
  const remote = {
    ...base,
    title: 'Planning (calendar)',
    location: 'Room 2',
    start: at('2026-12-01T11:00:00Z'),
    end: at('2026-12-01T12:00:00Z'),
  };
  const current = { ...local, location: 'Room 2', start: remote.start, end: remote.end };
  const choose = (choices: Partial<Record<CompareField, Side>>) => ({
    title: 'local' as Side,
    time: 'local' as Side,
    location: 'local' as Side,
    description: 'local' as Side,
    recurrence: 'local' as Side,
    status: 'local' as Side,
    ...choices,
  });

  it('sends only the fields whose chosen value differs from the version in force, start and end together', () => {
    expect(mergedEdit({ local, remote }, current, choose({ time: 'remote', location: 'remote' }))).toEqual({});
    expect(mergedEdit({ local, remote }, current, choose({ title: 'remote', time: 'remote', location: 'remote' }))).toEqual({
      title: 'Planning (calendar)',
    });
    expect(mergedEdit({ local, remote }, current, choose({}))).toEqual({
      location: '',
      start: '2026-12-01T09:00:00.000Z',
      end: '2026-12-01T10:00:00.000Z',
      timeZone: 'Europe/Berlin',
    });
  });

  it('moves all-day events by their dates', () => {
    const allDay = { ...remote, start: { kind: 'date' as const, date: '2026-12-02' }, end: { kind: 'date' as const, date: '2026-12-03' } };
    expect(mergedEdit({ local, remote: allDay }, current, choose({ time: 'remote', location: 'remote' }))).toEqual({
      startDate: '2026-12-02',
      endDate: '2026-12-03',
    });
  });
});
