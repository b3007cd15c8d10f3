// Recurring series edited from the CRM on the real stack (Temporal dev server, SQLite, provider fakes, the
// API), on both providers: one occurrence ("this"), an occurrence and all later ones ("following": the
// series is split), the series rule itself, and attendees. Each case checks the calendar through the
// production adapter (what Google / Graph now hold), the rows, and that the next sync changes nothing.
import { occurrenceStarts } from '../../domain/recurrence/occurrences';
import { isProviderError } from '../../providers/errors';
import type { EventTime, ProviderEvent } from '../../domain/events';
import { call, tokenFor } from '../api/api-client';
import { recordHistoriesIfAsked } from '../helpers/histories';
import { connectWithPushStopped } from '../helpers/push';
import { startTestStack, type TestStack } from '../helpers/stack';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
const PROVIDERS = ['google', 'microsoft'] as const;
type Provider = (typeof PROVIDERS)[number];

describe('recurring series edited from the CRM', () => {
  let stack: TestStack;
  let token: string;
  let keys = 0;
  let accounts = 0;
  const key = () => `recurring-${String(++keys).padStart(4, '0')}`;

  beforeAll(async () => {
    stack = await startTestStack({ env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    token = await tokenFor(stack, 'acme', 'rita');
  });
  afterAll(async () => {
    try {
      if (stack) await recordHistoriesIfAsked(stack, 'recurring-edits');
    } finally {
      await stack?.close();
    }
  });

  /** A weekly series of six, Tuesdays-or-so at a whole hour in Berlin, starting in three days. */
  async function seriesOn(provider: Provider, recurrence = ['RRULE:FREQ=WEEKLY;COUNT=6']) {
    const fake = provider === 'google' ? stack.google : stack.microsoft;
    const email = `recurring-${provider}-${++accounts}@example.com`;
    fake.ensureAccount(email);
    const firstMs = Math.floor(Date.now() / HOUR) * HOUR + 72 * HOUR;
    const at = (ms: number): EventTime => ({ kind: 'dateTime', dateTime: new Date(ms).toISOString(), timeZone: 'Europe/Berlin' });
    const masterId = fake.seedEvent(email, { title: 'Weekly review', start: at(firstMs), end: at(firstMs + HOUR), recurrence });
    // No push: the calendar's copy of our writes comes back only when the test syncs.
    const paused = await connectWithPushStopped(stack, { token, provider, email });
    const { connectionId } = paused;
    const master = await stack.deps.db.calendarEvent.findFirstOrThrow({ where: { connectionId, externalEventId: masterId } });
    const adapter = stack.deps.providers.get(provider).adapter;
    const calendarId = master.externalCalendarId;
    const remote = {
      event: (eventId: string) =>
        stack.deps.tokens.withAccessToken(connectionId, (auth) => adapter.getEvent(auth, { calendarId, eventId })),
      occurrence: (originalStartMs: number) =>
        stack.deps.tokens.withAccessToken(connectionId, (auth) =>
          adapter.getOccurrence(auth, { calendarId, seriesMasterId: masterId, originalStart: at(originalStartMs) }),
        ),
    };
    const sync = async () => expect((await paused.sync()).lastSync?.outcome).toBe('ok');
    const occurrencePath = (ms: number, scope?: 'this' | 'following') =>
      `/v1/connections/${connectionId}/events/${master.id}/occurrences/${new Date(ms).toISOString()}${scope ? `?scope=${scope}` : ''}`;
    return { connectionId, master, masterId, firstMs, remote, sync, occurrencePath, fake, email };
  }

  const send = (method: string, path: string, body?: unknown) =>
    call(stack, method, path, { token, ...(body ? { body } : {}), headers: { 'idempotency-key': key() } });
  const changesOf = (eventId: string) =>
    stack.deps.db.eventChange.findMany({ where: { eventId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  const notFoundAtProvider = (probe: Promise<unknown>) =>
    probe.then(
      () => false,
      (error: unknown) => isProviderError(error, 'not_found'),
    );
  /** Occurrence starts (ms) a series' recurrence produces, as the calendar holds it. */
  const startsOf = (event: ProviderEvent) =>
    occurrenceStarts(
      { start: new Date((event.start as { dateTime: string }).dateTime), timeZone: 'Europe/Berlin', lines: event.recurrence ?? [] },
      { from: new Date(Date.now() - WEEK), until: new Date(Date.now() + 60 * WEEK) },
    ).map((date) => date.getTime());

  it.each(PROVIDERS)('%s: one occurrence is edited in the calendar (an exception), the others and the series stay', async (provider) => {
    const { connectionId, master, firstMs, remote, sync, occurrencePath } = await seriesOn(provider);
    const third = firstMs + 2 * WEEK;

    const edited = await send('PATCH', occurrencePath(third), { title: 'Weekly review (customer joins)', location: 'Board room' });
    expect(edited.status).toBe(200);
    expect(edited.body.event).toMatchObject({
      title: 'Weekly review (customer joins)',
      location: 'Board room',
      start: { at: new Date(third).toISOString() },
    });
    expect(edited.body.series).toMatchObject({ id: master.id, title: 'Weekly review' });

    const atProvider = await remote.occurrence(third);
    expect(atProvider).toMatchObject({ kind: 'exception', title: 'Weekly review (customer joins)', location: 'Board room' });
    expect((await remote.occurrence(firstMs + WEEK)).title).toBe('Weekly review');
    expect((await remote.event(master.externalEventId)).title).toBe('Weekly review');

    // The echo of our write changes nothing, and the occurrence is one row.
    const rowsBefore = await stack.deps.db.calendarEvent.count({ where: { connectionId } });
    await sync();
    expect(await stack.deps.db.calendarEvent.count({ where: { connectionId } })).toBe(rowsBefore);
    const row = await stack.deps.db.calendarEvent.findUniqueOrThrow({ where: { id: edited.body.event.id } });
    expect(row).toMatchObject({
      externalEventId: atProvider.externalId,
      title: 'Weekly review (customer joins)',
      originalStartAt: new Date(third),
    });
    const changes = await changesOf(row.id);
    expect(changes.filter((change) => change.direction === 'outbound').map((change) => change.source)).toEqual(['api']);
    expect(changes.filter((change) => change.direction === 'inbound' && change.fieldsBefore !== null)).toEqual([]);

    // Editing it again finds its row (no second fetch-and-store).
    const again = await send('PATCH', occurrencePath(third), { title: 'Weekly review (moved to Friday)' });
    expect(again.body.event.id).toBe(row.id);
    expect((await remote.occurrence(third)).title).toBe('Weekly review (moved to Friday)');
  });

  it.each(PROVIDERS)('%s: one occurrence is cancelled in the calendar and stays cancelled after sync', async (provider) => {
    const { connectionId, masterId, firstMs, remote, sync, occurrencePath } = await seriesOn(provider);
    const second = firstMs + WEEK;
    const cancelled = await send('DELETE', occurrencePath(second));
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.event.status).toBe('cancelled');
    expect(await notFoundAtProvider(remote.occurrence(second))).toBe(true);
    expect((await remote.occurrence(firstMs + 2 * WEEK)).title).toBe('Weekly review');

    await sync();
    const live = await stack.deps.db.calendarEvent.findMany({
      where: { connectionId, seriesMasterExternalId: masterId, originalStartAt: new Date(second) },
    });
    expect(live.map((row) => row.status)).toEqual(['cancelled']);
    // Cancelling it twice: it is no longer an occurrence.
    expect((await send('DELETE', occurrencePath(second))).status).toBe(404);
  });

  it.each(PROVIDERS)(
    '%s: "this and following" splits the series in the calendar; both parts hold the original occurrences',
    async (provider) => {
      const { connectionId, master, masterId, firstMs, remote, sync, occurrencePath, fake, email } = await seriesOn(provider);
      const third = firstMs + 2 * WEEK;
      const originalStarts = Array.from({ length: 6 }, (_, i) => firstMs + i * WEEK);

      // An exception after the split point goes with the old series; its calendar-side edit, not synced yet,
      // is not lost unseen: it is applied, then loses to the later split, and the conflict record keeps it.
      const fifth = await send('PATCH', occurrencePath(firstMs + 4 * WEEK), { title: 'Weekly review (offsite)' });
      expect(fifth.status).toBe(200);
      fake.updateEventAsProvider(email, fifth.body.event.externalEventId, { title: 'Weekly review (offsite, calendar)' });
      await new Promise((resolve) => setTimeout(resolve, 5));

      const split = await send('PATCH', occurrencePath(third, 'following'), { title: 'Weekly review v2', location: 'Room 2' });
      expect(split.status).toBe(200);
      const continuation = split.body.event;
      expect(continuation).toMatchObject({
        title: 'Weekly review v2',
        location: 'Room 2',
        start: { at: new Date(third).toISOString() },
        direction: 'outbound',
      });
      expect(continuation.id).not.toBe(master.id);
      expect(split.body.series.id).toBe(master.id);
      expect(split.body.conflict).toMatchObject({ resolution: 'local' });
      const conflict = await stack.deps.db.eventConflict.findUniqueOrThrow({ where: { id: split.body.conflict.id } });
      expect(conflict.eventId).toBe(fifth.body.event.id);
      expect(JSON.parse(conflict.remoteVersion)).toMatchObject({ title: 'Weekly review (offsite, calendar)' });
      expect(JSON.parse(conflict.localVersion)).toMatchObject({ status: 'cancelled' });

      // The calendar: the old series ends before the third occurrence, the new one carries on with the rest.
      const ended = await remote.event(masterId);
      const next = await remote.event(continuation.externalEventId);
      expect(startsOf(ended)).toEqual(originalStarts.slice(0, 2));
      expect(startsOf(next)).toEqual(originalStarts.slice(2));
      expect(next).toMatchObject({ kind: 'seriesMaster', title: 'Weekly review v2', location: 'Room 2' });
      expect(await notFoundAtProvider(remote.occurrence(firstMs + 4 * WEEK))).toBe(true);

      // The rows say the same, before and after the next sync (the echo of the split changes nothing).
      const check = async () => {
        const rows = await stack.deps.db.calendarEvent.findMany({ where: { connectionId, status: { not: 'cancelled' } } });
        const masters = rows.filter((row) => row.eventKind === 'seriesMaster');
        expect(masters.map((row) => row.externalEventId).sort()).toEqual([masterId, continuation.externalEventId].sort());
        const rowOf = (id: string) => masters.find((row) => row.externalEventId === id)!;
        expect(JSON.parse(rowOf(masterId).recurrence!)).toEqual(ended.recurrence);
        expect(rowOf(continuation.externalEventId).title).toBe('Weekly review v2');
        // No occurrence of the old series from the split on is live here either.
        const stale = rows.filter((row) => row.seriesMasterExternalId === masterId && row.originalStartAt!.getTime() >= third);
        expect(stale).toEqual([]);
      };
      await check();
      await sync();
      await check();
      const history = await call(stack, 'GET', `/v1/connections/${connectionId}/events/${master.id}/history`, { token });
      expect(history.body.changes.at(-1)).toMatchObject({ direction: 'outbound', source: 'api', actor: 'rita' });
    },
  );

  it.each(PROVIDERS)(
    '%s: "this and following" cancelled ends the series; from the first occurrence it is the whole series',
    async (provider) => {
      const { master, masterId, firstMs, remote, sync, occurrencePath } = await seriesOn(provider);
      const ended = await send('DELETE', occurrencePath(firstMs + 3 * WEEK, 'following'));
      expect(ended.status).toBe(200);
      expect(ended.body.series).toMatchObject({ id: master.id, status: 'confirmed' });
      expect(startsOf(await remote.event(masterId))).toEqual([0, 1, 2].map((i) => firstMs + i * WEEK));
      await sync();

      const whole = await send('PATCH', occurrencePath(firstMs, 'following'), { title: 'Renamed series' });
      expect(whole.status).toBe(200);
      expect(whole.body.event.id).toBe(master.id);
      expect((await remote.event(masterId)).title).toBe('Renamed series');
    },
  );

  it.each(PROVIDERS)('%s: the series rule and the attendees are edited through PATCH', async (provider) => {
    const { connectionId, master, masterId, firstMs, remote, sync } = await seriesOn(provider);
    const patched = await send('PATCH', `/v1/connections/${connectionId}/events/${master.id}`, {
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
      attendees: [{ email: 'guest.one@example.com', name: 'Guest One' }],
    });
    expect(patched.status).toBe(200);
    const atProvider = await remote.event(masterId);
    expect(startsOf(atProvider)).toEqual([0, 1, 2].map((i) => firstMs + i * WEEK));
    expect(atProvider.attendees.map((attendee) => attendee.email)).toEqual(['guest.one@example.com']);
    await sync();
    const row = await stack.deps.db.calendarEvent.findUniqueOrThrow({ where: { id: master.id } });
    expect(JSON.parse(row.recurrence!)).toEqual(atProvider.recurrence);
    // The history notes the attendee change without the addresses.
    const changes = await changesOf(master.id);
    const outbound = changes.filter((change) => change.direction === 'outbound');
    expect(outbound).toHaveLength(1);
    expect(outbound[0]!.fieldsAfter).toContain('recurrence');
    expect(JSON.stringify(changes)).not.toContain('guest.one@example.com');
  });

  it('refuses what is not an occurrence edit, naming the field, and changes nothing', async () => {
    const { connectionId, master, firstMs, occurrencePath } = await seriesOn('google');
    const before = await stack.deps.db.calendarEvent.findMany({ where: { connectionId }, orderBy: { id: 'asc' } });

    const notAnOccurrence = await send('PATCH', occurrencePath(firstMs + WEEK + HOUR), { title: 'x' });
    expect(notAnOccurrence).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'Occurrence not found' } } });
    const pastTheEnd = await send('PATCH', occurrencePath(firstMs + 6 * WEEK, 'following'), { title: 'x' });
    expect(pastTheEnd.status).toBe(404);
    const badStart = await send('PATCH', `/v1/connections/${connectionId}/events/${master.id}/occurrences/next-tuesday`, { title: 'x' });
    expect(badStart).toMatchObject({ status: 400, body: { error: { details: [{ field: 'params.originalStart' }] } } });
    const badScope = await send('PATCH', occurrencePath(firstMs + WEEK) + '?scope=all', { title: 'x' });
    expect(badScope).toMatchObject({
      status: 400,
      body: { error: { details: [{ field: 'query.scope', message: 'must be this or following' }] } },
    });
    const ruleOnOccurrence = await send('PATCH', occurrencePath(firstMs + WEEK), { recurrence: ['RRULE:FREQ=DAILY'] });
    expect(ruleOnOccurrence.status).toBe(400);
    expect(ruleOnOccurrence.body.error.details[0]).toEqual({ field: 'body.recurrence', message: 'is not accepted here' });
    const badRule = await send('PATCH', `/v1/connections/${connectionId}/events/${master.id}`, { recurrence: ['RRULE:FREQ=SOMETIMES'] });
    expect(badRule).toMatchObject({ status: 400, body: { error: { details: [{ field: 'body.recurrence.0' }] } } });
    const twoEnds = await send('PATCH', `/v1/connections/${connectionId}/events/${master.id}`, {
      recurrence: ['RRULE:FREQ=DAILY;COUNT=2;UNTIL=20270101T000000Z'],
    });
    expect(twoEnds).toMatchObject({
      status: 400,
      body: { error: { details: [{ field: 'body.recurrence', message: 'an RRULE takes COUNT or UNTIL, not both' }] } },
    });

    const single = await stack.deps.db.calendarEvent.create({
      data: {
        ...master,
        id: undefined,
        externalEventId: `${master.externalEventId}-single`,
        eventKind: 'single',
        recurrence: null,
        requestId: null,
        activityId: null,
      },
    });
    const notASeries = await send(
      'PATCH',
      `/v1/connections/${connectionId}/events/${single.id}/occurrences/${new Date(firstMs).toISOString()}`,
      { title: 'x' },
    );
    expect(notASeries).toMatchObject({ status: 422, body: { error: { code: 'not_a_series' } } });
    await stack.deps.db.calendarEvent.delete({ where: { id: single.id } });

    const after = await stack.deps.db.calendarEvent.findMany({ where: { connectionId }, orderBy: { id: 'asc' } });
    expect(after).toEqual(before);
  });
});
