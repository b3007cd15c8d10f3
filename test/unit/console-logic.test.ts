// The console's pure decisions, without a browser: a connection's status indicator (which state wins) and
// the per-field merge of a conflict turned into the API's `merged` edit.
import type { Connection, EventVersion } from '../../console/src/api/types';
import { mergedEdit, type CompareField, type Side } from '../../console/src/conflicts/versions';
import { indicatorOf } from '../../console/src/connections/status';

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
