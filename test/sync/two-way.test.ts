// Two-way sync on the real stack (Temporal dev server, SQLite, provider fakes, the API): CRM-side edits
// written back through the workflow, echo suppression, conflicts (merged, last-write-wins, manual
// resolution written to both sides), change history, and recurring series. Push channels are stopped after
// the first sync so a calendar-side change stays unsynced until the test asks for a sync: that is what
// makes a conflict (both sides changed since the last synced version) deterministic here.
import { PERMISSIONS } from '../../api/auth/permissions';
import type { EventTime } from '../../domain/events';
import { call, tokenFor } from '../api/api-client';
import { recordHistoriesIfAsked } from '../helpers/histories';
import { connectWithPushStopped } from '../helpers/push';
import { startTestStack, type TestStack } from '../helpers/stack';

const HOUR = 3_600_000;
const timed = (hoursFromNow: number, title: string, extra: Record<string, unknown> = {}) => {
  const start = new Date(Math.floor(Date.now() / HOUR) * HOUR + hoursFromNow * HOUR);
  return {
    title,
    start: { kind: 'dateTime' as const, dateTime: start.toISOString(), timeZone: 'Europe/Berlin' },
    end: { kind: 'dateTime' as const, dateTime: new Date(start.getTime() + HOUR).toISOString(), timeZone: 'Europe/Berlin' },
    ...extra,
  };
};

describe('two-way sync', () => {
  let stack: TestStack;
  let token: string;
  let keys = 0;
  const key = () => `two-way-${String(++keys).padStart(4, '0')}`;

  beforeAll(async () => {
    stack = await startTestStack({ env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    token = await tokenFor(stack, 'acme', 'alice');
  });
  afterAll(async () => {
    try {
      if (stack) await recordHistoriesIfAsked(stack, 'two-way');
    } finally {
      await stack?.close();
    }
  });

  async function connect(provider: 'google' | 'microsoft', email: string) {
    const fake = provider === 'google' ? stack.google : stack.microsoft;
    fake.ensureAccount(email);
    // No push from here on: calendar-side changes wait for syncNow (see the header comment).
    const { connectionId, sync } = await connectWithPushStopped(stack, { token, provider, email });
    return { connectionId, fake, sync };
  }

  const rowByExternal = (connectionId: string, externalEventId: string) =>
    stack.deps.db.calendarEvent.findFirstOrThrow({ where: { connectionId, externalEventId } });
  const patchEvent = (connectionId: string, eventId: string, body: unknown, as = token) =>
    call(stack, 'PATCH', `/v1/connections/${connectionId}/events/${eventId}`, { token: as, body, headers: { 'idempotency-key': key() } });
  const history = (connectionId: string, eventId: string, as = token) =>
    call(stack, 'GET', `/v1/connections/${connectionId}/events/${eventId}/history`, { token: as });
  const remoteTitle = (fake: TestStack['google'] | TestStack['microsoft'], email: string, id: string) =>
    fake.listEvents(email).find((event) => event.id === id)?.title;

  it.each(['google', 'microsoft'] as const)(
    '%s: an inbound event edited in the CRM is written back once and its echo is not applied',
    async (provider) => {
      const email = `edit-${provider}@example.com`;
      (provider === 'google' ? stack.google : stack.microsoft).ensureAccount(email);
      const externalId = (provider === 'google' ? stack.google : stack.microsoft).seedEvent(email, timed(48, 'Inbound A'));
      const { connectionId, fake, sync } = await connect(provider, email);
      const row = await rowByExternal(connectionId, externalId);

      const edited = await patchEvent(connectionId, row.id, { title: 'Edited in CRM', location: 'Room 7' });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ event: { id: row.id, title: 'Edited in CRM', location: 'Room 7' }, conflict: null });
      expect(remoteTitle(fake, email, externalId)).toBe('Edited in CRM');

      const afterEdit = await rowByExternal(connectionId, externalId);
      const status = await sync();
      // The echo of our own write: recognised by its content hash, nothing rewritten, nothing recorded.
      const afterSync = await rowByExternal(connectionId, externalId);
      expect(afterSync.updatedAt.getTime()).toBe(afterEdit.updatedAt.getTime());
      expect(status.lastSync?.upserted).toBe(0);
      const changes = (await history(connectionId, row.id)).body.changes;
      expect(changes.map((c: { direction: string; source: string }) => `${c.direction}/${c.source}`)).toEqual([
        'inbound/provider',
        'outbound/api',
      ]);
      expect(changes[1]).toMatchObject({
        actor: 'alice',
        before: { title: 'Inbound A', location: null },
        after: { title: 'Edited in CRM', location: 'Room 7' },
      });
    },
  );

  it.each(['google', 'microsoft'] as const)(
    '%s: concurrent edits merge per field; a collision goes to the last write; a manual choice is written to both sides',
    async (provider) => {
      const email = `conflict-${provider}@example.com`;
      const seedFake = provider === 'google' ? stack.google : stack.microsoft;
      seedFake.ensureAccount(email);
      const externalId = seedFake.seedEvent(email, timed(72, 'Planning'));
      const { connectionId, fake } = await connect(provider, email);
      const row = await rowByExternal(connectionId, externalId);

      // Disjoint fields: both kept.
      fake.updateEventAsProvider(email, externalId, { location: 'Calendar room' });
      const merged = await patchEvent(connectionId, row.id, { title: 'Planning (CRM)' });
      expect(merged.status).toBe(200);
      expect(merged.body.conflict).toMatchObject({ resolution: 'merged' });
      expect(merged.body.event).toMatchObject({ title: 'Planning (CRM)', location: 'Calendar room' });
      expect(remoteTitle(fake, email, externalId)).toBe('Planning (CRM)');

      // Same field on both sides: the CRM edit is newer, it wins; the calendar's title is kept in the record.
      fake.updateEventAsProvider(email, externalId, { title: 'Calendar title' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const collided = await patchEvent(connectionId, row.id, { title: 'CRM title' });
      expect(collided.body.conflict).toMatchObject({ resolution: 'local' });
      expect(remoteTitle(fake, email, externalId)).toBe('CRM title');

      const listed = await call(stack, 'GET', `/v1/conflicts?connectionId=${connectionId}`, { token });
      expect(listed.status).toBe(200);
      expect(listed.body.conflicts).toHaveLength(2);
      const conflict = listed.body.conflicts.find((c: { id: string }) => c.id === collided.body.conflict.id);
      expect(conflict).toMatchObject({
        eventId: row.id,
        policy: 'last_write_wins',
        resolution: 'local',
        resolvedBy: 'policy',
        base: { title: 'Planning (CRM)' },
        local: { title: 'CRM title' },
        remote: { title: 'Calendar title' },
      });

      // Another user of the organization sees neither the conflicts nor may resolve them.
      const bob = await tokenFor(stack, 'acme', 'bob', [PERMISSIONS.view, PERMISSIONS.schedule]);
      expect((await call(stack, 'GET', `/v1/conflicts?connectionId=${connectionId}`, { token: bob })).body.conflicts).toEqual([]);
      const denied = await call(stack, 'POST', `/v1/conflicts/${conflict.id}/resolve`, {
        token: bob,
        body: { choice: 'remote' },
        headers: { 'idempotency-key': key() },
      });
      expect(denied.status).toBe(404);

      const resolved = await call(stack, 'POST', `/v1/conflicts/${conflict.id}/resolve`, {
        token,
        body: { choice: 'remote' },
        headers: { 'idempotency-key': key() },
      });
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({ conflictId: conflict.id, eventId: row.id, choice: 'remote' });
      expect(remoteTitle(fake, email, externalId)).toBe('Calendar title');
      expect((await rowByExternal(connectionId, externalId)).title).toBe('Calendar title');
      const stored = await stack.deps.db.eventConflict.findUniqueOrThrow({ where: { id: conflict.id } });
      expect(stored).toMatchObject({ policy: 'manual', resolution: 'remote', resolvedBy: 'alice' });

      // Every overwritten title is in the history (as a "before") or in a conflict record.
      const changes = (await history(connectionId, row.id)).body.changes as Array<{ source: string; before: { title?: string } | null }>;
      expect(changes.some((c) => c.source === 'conflict_resolution')).toBe(true);
      const overwritten = new Set(changes.map((c) => c.before?.title).filter(Boolean));
      for (const title of ['Planning', 'Planning (CRM)', 'Calendar title', 'CRM title']) expect(overwritten.has(title)).toBe(true);

      // History: view-all of the organization may read it, a plain viewer may not.
      const carol = await tokenFor(stack, 'acme', 'carol', [PERMISSIONS.view, PERMISSIONS.viewAll]);
      expect((await history(connectionId, row.id, carol)).status).toBe(200);
      expect((await history(connectionId, row.id, bob)).status).toBe(404);
      expect((await patchEvent(connectionId, row.id, { title: 'Hijack' }, bob)).status).toBe(404);
    },
  );

  it('google: a reschedule racing a calendar-side edit merges instead of failing, and a cancel keeps the lost version', async () => {
    const email = 'reschedule-race@example.com';
    const { connectionId, fake } = await connect('google', email);
    const start = new Date(Math.floor(Date.now() / HOUR) * HOUR + 96 * HOUR).toISOString();
    const scheduled = await call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, {
      token,
      body: { title: 'Demo', start, durationMinutes: 30 },
      headers: { 'idempotency-key': key() },
    });
    expect(scheduled.status).toBe(201);
    const { eventId, externalEventId } = scheduled.body;
    fake.updateEventAsProvider(email, externalEventId, { location: 'Their office' });
    const moved = new Date(Date.parse(start) + 2 * HOUR).toISOString();
    const rescheduled = await call(stack, 'PATCH', `/v1/connections/${connectionId}/meetings/${eventId}`, {
      token,
      body: { start: moved },
      headers: { 'idempotency-key': key() },
    });
    expect(rescheduled.status).toBe(200);
    const row = await stack.deps.db.calendarEvent.findUniqueOrThrow({ where: { id: eventId } });
    expect(row).toMatchObject({ location: 'Their office', startAt: new Date(moved) });
    expect(fake.listEvents(email).find((e) => e.id === externalEventId)?.start).toMatchObject({ kind: 'dateTime' });
    expect(await stack.deps.db.eventConflict.count({ where: { eventId, resolution: 'merged' } })).toBe(1);

    fake.updateEventAsProvider(email, externalEventId, { title: 'Demo (renamed there)' });
    const cancelled = await call(stack, 'DELETE', `/v1/connections/${connectionId}/meetings/${eventId}`, {
      token,
      headers: { 'idempotency-key': key() },
    });
    expect(cancelled.status).toBe(200);
    expect(fake.listEvents(email).find((e) => e.id === externalEventId)?.status).toBe('cancelled');
    const conflicts = await stack.deps.db.eventConflict.findMany({ where: { eventId }, orderBy: { createdAt: 'asc' } });
    expect(conflicts).toHaveLength(2);
    expect(JSON.parse(conflicts[1]!.remoteVersion)).toMatchObject({ title: 'Demo (renamed there)' });
    expect(conflicts[1]!.resolution).toBe('local');
  });

  it('google: series, exceptions and cancelled occurrences map both ways', async () => {
    const email = 'series@example.com';
    stack.google.ensureAccount(email);
    const first = timed(24 * 3, 'Standup');
    const occurrence = (weeks: number): EventTime => ({
      kind: 'dateTime',
      dateTime: new Date(Date.parse(first.start.dateTime) + weeks * 7 * 24 * HOUR).toISOString(),
      timeZone: 'Europe/Berlin',
    });
    const masterId = stack.google.seedEvent(email, {
      ...first,
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=8'],
      exceptions: [{ originalStart: occurrence(1), patch: { title: 'Standup (moved)' } }],
    });
    const { connectionId, fake, sync } = await connect('google', email);
    const master = await rowByExternal(connectionId, masterId);
    expect(master.eventKind).toBe('seriesMaster');
    const exception = await stack.deps.db.calendarEvent.findFirstOrThrow({
      where: { connectionId, seriesMasterExternalId: masterId, eventKind: 'exception' },
    });

    // CRM: retitle the whole series, and move the one exception.
    expect((await patchEvent(connectionId, master.id, { title: 'Daily standup' })).status).toBe(200);
    const newStart = new Date(
      Date.parse(occurrence(1).kind === 'dateTime' ? (occurrence(1) as { dateTime: string }).dateTime : '') + 3 * HOUR,
    ).toISOString();
    expect((await patchEvent(connectionId, exception.id, { start: newStart })).status).toBe(200);
    const remote = fake.listEvents(email);
    expect(remote.find((e) => e.id === masterId)?.title).toBe('Daily standup');
    const remoteException = remote.find((e) => e.id === exception.externalEventId)!;
    expect(remoteException.start.kind === 'dateTime' && Date.parse(remoteException.start.dateTime)).toBe(Date.parse(newStart));

    // Calendar: cancel one occurrence (it becomes a cancelled instance); the CRM records it.
    const instanceId = `${masterId}_${(occurrence(2) as { dateTime: string }).dateTime.replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`;
    fake.deleteEventAsProvider(email, instanceId);
    await sync();
    const cancelledOccurrence = await rowByExternal(connectionId, instanceId);
    expect(cancelledOccurrence).toMatchObject({ status: 'cancelled', eventKind: 'exception', seriesMasterExternalId: masterId });
    expect(cancelledOccurrence.originalStartAt?.toISOString()).toBe((occurrence(2) as { dateTime: string }).dateTime);
    // Our own writes came back as echoes: the master and exception rows were not rewritten.
    expect((await rowByExternal(connectionId, masterId)).title).toBe('Daily standup');
  });
});
