// Convergence of two-way sync, as a property: random interleavings of edits in the calendar (through the
// fake's provider-side controls) and in the CRM (through the API: schedule, edit, move, cancel, and for
// series: edit or cancel one occurrence, split "this and following", end the series), with recurring
// series, injected provider faults (5xx, throttling, a 403 on the calendar), Graph lifecycle notifications,
// Google quota exhaustion and worker restarts, then the workflow is left to settle.
// Afterwards both sides must hold the same events (and series rules), every version the CRM row ever held must be in the
// change history (it replays to the current row), every CRM edit that was accepted must be in the history
// or a conflict record, and nothing may be duplicated.
//
// CI runs a fixed seed and a few runs. Longer, random: `npm run test:convergence -- --runs 50 [--seed N]`
// or CONVERGENCE_RUNS / CONVERGENCE_SEED / CONVERGENCE_PROVIDERS=google,microsoft with `npx jest test/convergence`;
// a failure prints its seed and path, which CONVERGENCE_SEED + CONVERGENCE_PATH replay (timing still varies:
// syncs, push and retries interleave for real); CONVERGENCE_DEBUG=1 prints both sides and the sync log per run.
import fc from 'fast-check';
import type { EventTime } from '../../domain/events';
import { connectionWorkflowId, statusQuery, syncNowSignal } from '../../workflows/connection/messages';
import { call, connectThroughApi, tokenFor } from '../api/api-client';
import { calendarAtFake, calendarInRows, instant } from '../helpers/calendar-snapshot';
import { stopCalendarPush } from '../helpers/push';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const RUNS = Number(process.env.CONVERGENCE_RUNS ?? 6);
const SEED = process.env.CONVERGENCE_SEED ? Number(process.env.CONVERGENCE_SEED) : RUNS > 6 ? Date.now() : 20261121;
const PROVIDERS = (process.env.CONVERGENCE_PROVIDERS ?? 'google,microsoft').split(',') as Array<'google' | 'microsoft'>;
const MAX_OPS = Number(process.env.CONVERGENCE_MAX_OPS ?? 14);
/** Replays one reported counterexample: CONVERGENCE_SEED=<seed> CONVERGENCE_PATH=<path>. */
const PATH = process.env.CONVERGENCE_PATH;
const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
const QUOTA_BACKOFF_SECONDS = 2;

type Op =
  | { side: 'provider'; kind: 'create'; hours: number }
  | { side: 'provider'; kind: 'createSeries'; hours: number }
  | { side: 'provider'; kind: 'retitle' | 'delete'; pick: number }
  | { side: 'provider'; kind: 'move'; pick: number; hours: number }
  | { side: 'provider'; kind: 'cancelOccurrence' | 'retitleOccurrence'; pick: number; occurrence: number }
  | { side: 'crm'; kind: 'schedule'; hours: number }
  | { side: 'crm'; kind: 'retitle' | 'relocate' | 'cancel'; pick: number }
  | { side: 'crm'; kind: 'move'; pick: number; hours: number }
  | { side: 'crm'; kind: 'retitleOccurrence' | 'cancelOccurrence' | 'splitSeries' | 'endSeries'; pick: number; occurrence: number }
  | { side: 'both'; kind: 'retitle'; pick: number; crmField: 'title' | 'location' }
  | { side: 'infra'; kind: 'sync' | 'restartWorker' }
  | { side: 'infra'; kind: 'fault'; fault: 'server_error' | 'rate_limit' | 'unavailable' | 'forbidden'; count: number }
  /** Graph lifecycle notifications for the connection's subscription (Google has none: nothing happens). */
  | { side: 'infra'; kind: 'lifecycle'; event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed' }
  /** Google "Calendar usage limits exceeded" for the account until the settle phase (Graph: none). */
  | { side: 'infra'; kind: 'quota' };

const pick = fc.nat({ max: 50 });
const hours = fc.integer({ min: 24, max: 24 * 20 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ side: fc.constant('provider' as const), kind: fc.constant('create' as const), hours }) },
  { weight: 1, arbitrary: fc.record({ side: fc.constant('provider' as const), kind: fc.constant('createSeries' as const), hours }) },
  {
    weight: 3,
    arbitrary: fc.record({ side: fc.constant('provider' as const), kind: fc.constantFrom('retitle' as const, 'delete' as const), pick }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      side: fc.constant('provider' as const),
      kind: fc.constant('move' as const),
      pick,
      hours: fc.integer({ min: -3, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      side: fc.constant('provider' as const),
      kind: fc.constantFrom('cancelOccurrence' as const, 'retitleOccurrence' as const),
      pick,
      occurrence: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ side: fc.constant('crm' as const), kind: fc.constant('schedule' as const), hours }) },
  {
    weight: 4,
    arbitrary: fc.record({
      side: fc.constant('crm' as const),
      kind: fc.constantFrom('retitle' as const, 'relocate' as const, 'cancel' as const),
      pick,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      side: fc.constant('crm' as const),
      kind: fc.constant('move' as const),
      pick,
      hours: fc.integer({ min: -3, max: 3 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      side: fc.constant('crm' as const),
      kind: fc.constantFrom('retitleOccurrence' as const, 'cancelOccurrence' as const, 'splitSeries' as const, 'endSeries' as const),
      pick,
      occurrence: fc.integer({ min: 0, max: 4 }),
    }),
  },
  {
    // The same event edited in the calendar and, before any sync, in the CRM: the conflict paths.
    weight: 4,
    arbitrary: fc.record({
      side: fc.constant('both' as const),
      kind: fc.constant('retitle' as const),
      pick,
      crmField: fc.constantFrom('title' as const, 'location' as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ side: fc.constant('infra' as const), kind: fc.constant('sync' as const) }) },
  { weight: 1, arbitrary: fc.record({ side: fc.constant('infra' as const), kind: fc.constant('restartWorker' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      side: fc.constant('infra' as const),
      kind: fc.constant('fault' as const),
      fault: fc.constantFrom('server_error' as const, 'rate_limit' as const, 'unavailable' as const, 'forbidden' as const),
      count: fc.integer({ min: 1, max: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      side: fc.constant('infra' as const),
      kind: fc.constant('lifecycle' as const),
      event: fc.constantFrom('reauthorizationRequired' as const, 'subscriptionRemoved' as const, 'missed' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ side: fc.constant('infra' as const), kind: fc.constant('quota' as const) }) },
);

const at = (ms: number): EventTime => ({ kind: 'dateTime', dateTime: new Date(ms).toISOString(), timeZone: 'Europe/Berlin' });
const baseHour = () => Math.floor(Date.now() / HOUR) * HOUR;

describe('convergence of two-way sync (property)', () => {
  let stack: TestStack;
  let token: string;
  let run = 0;

  beforeAll(async () => {
    // A quota back-off of seconds, so the settle phase can wait one out.
    stack = await startTestStack({
      env: { API_RATE_LIMIT_PER_MINUTE: '1000000', PROVIDER_QUOTA_BACKOFF_SECONDS: String(QUOTA_BACKOFF_SECONDS) },
    });
    token = await tokenFor(stack, 'acme', 'prop');
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function execute(provider: 'google' | 'microsoft', ops: Op[], push: boolean): Promise<void> {
    const fake = provider === 'google' ? stack.google : stack.microsoft;
    const email = `prop-${provider}-${++run}-${Date.now()}@example.com`;
    fake.ensureAccount(email);
    // A calendar that already holds something to edit: two events and a weekly series.
    const initialSeries = fake.seedEvents(email, [
      { title: `initial-${run}-a`, start: at(baseHour() + 30 * HOUR), end: at(baseHour() + 31 * HOUR) },
      { title: `initial-${run}-b`, start: at(baseHour() + 50 * HOUR), end: at(baseHour() + 51 * HOUR) },
      {
        title: `initial-${run}-series`,
        start: at(baseHour() + 26 * HOUR),
        end: at(baseHour() + 27 * HOUR),
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5'],
      },
    ])[2]!;
    const { connectionId } = await connectThroughApi(stack, { token, provider, email });
    const handle = stack.temporal.workflow.getHandle(connectionWorkflowId(connectionId));
    await waitFor(
      () => handle.query(statusQuery),
      (s) => s.lastSync?.outcome === 'ok',
      { what: 'first sync' },
    );
    // Without push, calendar-side changes wait for a sync, so CRM edits meet them as conflicts (If-Match).
    if (!push) await stopCalendarPush(stack, connectionId);
    const db = stack.deps.db;

    let serial = 0;
    const title = (prefix: string) => `${prefix}-${run}-${++serial}`;
    const seriesIds: string[] = [initialSeries];
    let providerCreates = 2;
    let scheduleAttempts = 0;
    let schedulesAccepted = 0;
    /** "This and following" edits: each may create one outbound series (the part that carries on). */
    let splitAttempts = 0;
    /** CRM edits the API accepted: what they set, to find in the history or a conflict record. */
    const accepted: Array<{ eventId: string; field: 'title' | 'location'; value: string }> = [];
    /** Titles set in the calendar, in order; the last one per event must reach the CRM (history or conflict). */
    const providerTitles: Array<{ externalId: string; value: string; superseded: boolean }> = [];
    const deletedInCalendar = new Set<string>();
    const covers = (deleted: string, externalId: string) => externalId === deleted || externalId.startsWith(`${deleted}_`);
    const supersede = (externalId: string, deleted = false) => {
      if (deleted) deletedInCalendar.add(externalId);
      providerTitles.forEach((t) => (covers(externalId, t.externalId) ? (t.superseded = true) : undefined));
    };
    const providerRetitle = (externalId: string, value: string) => {
      fake.updateEventAsProvider(email, externalId, { title: value });
      supersede(externalId);
      // Retitling what was deleted in the calendar (a cancelled occurrence) is invisible to sync by design.
      providerTitles.push({ externalId, value, superseded: [...deletedInCalendar].some((deleted) => covers(deleted, externalId)) });
    };
    const liveRemote = () => fake.listEvents(email).filter((event) => event.status !== 'cancelled');
    const liveRows = () =>
      db.calendarEvent.findMany({
        where: { connectionId, status: { not: 'cancelled' }, eventKind: { not: 'occurrence' } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
    let quotaExhausted = false;
    const quietly = (fn: () => void) => {
      try {
        fn();
      } catch {
        // The target is gone or not an occurrence (e.g. the series was moved or deleted): nothing happens.
      }
    };
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await call(stack, method, path, { token, body, headers: { 'idempotency-key': `prop-${run}-${++serial}-key` } });
      if (response.status >= 500 && response.status !== 502 && response.status !== 503)
        throw new Error(`${method} ${path} -> ${response.status} ${response.text}`);
      return response;
    };

    for (const op of ops) {
      if (op.side === 'provider') {
        const remote = liveRemote();
        const target = remote.length && 'pick' in op ? remote[op.pick % remote.length] : undefined;
        switch (op.kind) {
          case 'create':
            fake.seedEvent(email, {
              title: title('p'),
              start: at(baseHour() + op.hours * HOUR),
              end: at(baseHour() + (op.hours + 1) * HOUR),
            });
            providerCreates += 1;
            break;
          case 'createSeries':
            seriesIds.push(
              fake.seedEvent(email, {
                title: title('series'),
                start: at(baseHour() + op.hours * HOUR),
                end: at(baseHour() + (op.hours + 1) * HOUR),
                recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5'],
              }),
            );
            break;
          case 'retitle':
            if (target) quietly(() => providerRetitle(target.id, title('pt')));
            break;
          case 'move':
            if (target && op.hours !== 0) {
              quietly(() => {
                fake.updateEventAsProvider(email, target.id, {
                  start: at(instant(target.start) + op.hours * HOUR),
                  end: at(instant(target.end) + op.hours * HOUR),
                });
                // Moving a whole series resets its edited occurrences in the calendar itself (Graph does).
                providerTitles.forEach((t) => (t.externalId.startsWith(`${target.id}_`) ? (t.superseded = true) : undefined));
              });
            }
            break;
          case 'delete':
            if (target)
              quietly(() => {
                fake.deleteEventAsProvider(email, target.id);
                supersede(target.id, true);
              });
            break;
          case 'cancelOccurrence':
          case 'retitleOccurrence': {
            const masterId = seriesIds.length ? seriesIds[op.pick % seriesIds.length]! : undefined;
            const master = remote.find((event) => event.id === masterId);
            if (!master) break;
            const instanceId = occurrenceId(provider, master.id, instant(master.start) + op.occurrence * WEEK);
            const occurrence = instanceId ?? (await microsoftOccurrence(connectionId, master.id, op.occurrence));
            if (!occurrence) break;
            if (op.kind === 'cancelOccurrence') {
              quietly(() => {
                fake.deleteEventAsProvider(email, occurrence);
                supersede(occurrence, true);
              });
            } else quietly(() => providerRetitle(occurrence, title('ot')));
            break;
          }
        }
      } else if (op.side === 'crm') {
        const rows = await liveRows();
        const target = rows.length && 'pick' in op ? rows[op.pick % rows.length] : undefined;
        switch (op.kind) {
          case 'schedule': {
            scheduleAttempts += 1;
            const response = await api('POST', `/v1/connections/${connectionId}/meetings`, {
              title: title('c'),
              start: new Date(baseHour() + op.hours * HOUR).toISOString(),
              durationMinutes: 45,
            });
            if (response.status === 201) schedulesAccepted += 1;
            break;
          }
          case 'retitle':
          case 'relocate': {
            if (!target) break;
            const field = op.kind === 'retitle' ? 'title' : 'location';
            const value = title(field === 'title' ? 'ct' : 'room');
            const response = await api('PATCH', `/v1/connections/${connectionId}/events/${target.id}`, { [field]: value });
            if (response.status === 200) accepted.push({ eventId: target.id, field, value });
            break;
          }
          case 'move':
            if (target && op.hours !== 0 && target.eventKind !== 'seriesMaster') {
              await api('PATCH', `/v1/connections/${connectionId}/events/${target.id}`, {
                start: new Date(target.startAt.getTime() + op.hours * HOUR).toISOString(),
              });
            }
            break;
          case 'retitleOccurrence':
          case 'cancelOccurrence':
          case 'splitSeries':
          case 'endSeries': {
            // One occurrence ("this") or it and the following ones, addressed by its start in the series.
            const masters = rows.filter((row) => row.eventKind === 'seriesMaster');
            const master = masters.length ? masters[op.pick % masters.length] : undefined;
            if (!master) break;
            const scope = op.kind === 'splitSeries' || op.kind === 'endSeries' ? 'following' : 'this';
            const originalStart = new Date(master.startAt.getTime() + op.occurrence * WEEK).toISOString();
            const path = `/v1/connections/${connectionId}/events/${master.id}/occurrences/${originalStart}?scope=${scope}`;
            if (op.kind === 'cancelOccurrence' || op.kind === 'endSeries') {
              await api('DELETE', path);
              break;
            }
            const value = title(op.kind === 'splitSeries' ? 'cs' : 'co');
            if (op.kind === 'splitSeries') splitAttempts += 1;
            const response = await api('PATCH', path, { title: value });
            if (response.status !== 200) break;
            accepted.push({ eventId: response.body.event.id, field: 'title', value });
            if (response.body.event.kind === 'seriesMaster' && response.body.event.id !== master.id)
              seriesIds.push(response.body.event.externalEventId);
            break;
          }
          case 'cancel': {
            const outbound = rows.filter((row) => row.syncDirection === 'outbound');
            const meeting = outbound.length ? outbound[op.pick % outbound.length] : undefined;
            if (meeting) await api('DELETE', `/v1/connections/${connectionId}/meetings/${meeting.id}`);
            break;
          }
        }
      } else if (op.side === 'both') {
        const rows = (await liveRows()).filter((row) => row.eventKind !== 'occurrence' || provider === 'microsoft');
        const target = rows.length ? rows[op.pick % rows.length] : undefined;
        if (!target) continue;
        quietly(() => providerRetitle(target.externalEventId, title('bt')));
        const value = title(op.crmField === 'title' ? 'ct' : 'room');
        const response = await api('PATCH', `/v1/connections/${connectionId}/events/${target.id}`, { [op.crmField]: value });
        if (response.status === 200) accepted.push({ eventId: target.id, field: op.crmField, value });
      } else if (op.kind === 'sync') {
        await handle.signal(syncNowSignal, { reason: 'manual' });
      } else if (op.kind === 'restartWorker') {
        await stack.restartWorker();
      } else if (op.kind === 'fault') {
        // A 403 hits one calendar's reads or writes (a permission, not a revoked grant).
        fake.injectFault({
          kind: op.fault,
          count: op.count,
          retryAfterSeconds: 1,
          ...(op.fault === 'forbidden' ? { pathIncludes: '/events' } : {}),
        });
      } else if (op.kind === 'lifecycle') {
        if (provider === 'microsoft')
          for (const channel of fake.listPushChannels(email)) stack.microsoft.sendLifecycleNotification(channel.id, op.event);
      } else if (op.kind === 'quota') {
        if (provider === 'google') {
          stack.google.setUsageLimitExceeded(email, true);
          quotaExhausted = true;
        }
      }
    }

    // Settle: no more faults, the quota back in (and its back-off waited out); two syncs, the second started
    // after every edit (see waitForSyncAfter).
    fake.clearFaults();
    if (quotaExhausted) {
      stack.google.setUsageLimitExceeded(email, false);
      await new Promise((resolve) => setTimeout(resolve, (QUOTA_BACKOFF_SECONDS + 1) * 1000));
    }
    await syncAfter(handle, Date.now());
    await syncAfter(handle, Date.now());

    // 1. Both sides hold the same events.
    const remote = calendarAtFake(fake, email);
    const rows = await liveRows();
    const local = await calendarInRows(db, connectionId);
    if (process.env.CONVERGENCE_DEBUG) {
      const rowsAll = await db.calendarEvent.findMany({ where: { connectionId }, include: { changes: true } });
      console.log(
        JSON.stringify(
          {
            remote: fake.listEvents(email),
            rows: rowsAll.map((r) => ({
              ext: r.externalEventId,
              title: r.title,
              start: r.startAt,
              status: r.status,
              changes: r.changes.length,
            })),
            requests: fake
              .requests()
              .slice(-40)
              .map((q) => `${q.method} ${q.path} ${q.status}`),
            logs: stack.logs
              .filter((l) => l.includes(connectionId))
              .map((l) => {
                const j = JSON.parse(l);
                return `${j.time} ${j.msg} ${j.upserted ?? ''}/${j.deleted ?? ''}/${j.unchanged ?? ''}`;
              }),
          },
          null,
          1,
        ),
      );
    }
    expect(Object.fromEntries(local)).toEqual(Object.fromEntries(remote));

    // 1b. Every series has the same rule on both sides (a split ends one series and starts another).
    const adapter = stack.deps.providers.get(provider).adapter;
    const lines = (value: string[] | null | undefined) => [...(value ?? [])].map((line) => line.trim().toUpperCase()).sort();
    for (const row of rows.filter((one) => one.eventKind === 'seriesMaster')) {
      const atProvider = await stack.deps.tokens.withAccessToken(connectionId, (auth) =>
        adapter.getEvent(auth, { calendarId: row.externalCalendarId, eventId: row.externalEventId }),
      );
      expect({ series: row.externalEventId, rule: lines(row.recurrence ? (JSON.parse(row.recurrence) as string[]) : null) }).toEqual({
        series: row.externalEventId,
        rule: lines(atProvider.recurrence),
      });
    }

    // 2. Nothing duplicated: a meeting created twice at the provider would come back as an extra inbound
    //    event (more inbound singles than calendar-side creates) or an extra outbound row. (An event created
    //    and deleted in the calendar between two syncs is never seen: fewer is fine.)
    const all = await db.calendarEvent.findMany({ where: { connectionId } });
    const singles = all.filter((row) => row.syncDirection === 'inbound' && row.eventKind === 'single');
    expect(singles.length).toBeLessThanOrEqual(providerCreates);
    const outbound = all.filter((row) => row.syncDirection === 'outbound');
    expect(outbound.length).toBeGreaterThanOrEqual(schedulesAccepted);
    expect(outbound.length).toBeLessThanOrEqual(scheduleAttempts + splitAttempts);

    // 3. The history replays to every row's current state, each change's "before" matching what preceded it:
    //    no version was overwritten without a trace.
    const changes = await db.eventChange.findMany({ where: { event: { connectionId } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    for (const row of all) {
      let state: Record<string, unknown> | undefined;
      for (const change of changes.filter((c) => c.eventId === row.id)) {
        const after = JSON.parse(change.fieldsAfter ?? '{}') as Record<string, unknown>;
        const before = change.fieldsBefore ? (JSON.parse(change.fieldsBefore) as Record<string, unknown>) : null;
        if (before && state) {
          for (const [field, value] of Object.entries(before)) {
            if (field === 'attendees') continue;
            expect({ row: row.id, field, value: comparable(field, value) }).toEqual({
              row: row.id,
              field,
              value: comparable(field, state[field]),
            });
          }
        }
        state = before === null ? { ...after } : { ...state, ...after };
      }
      expect(state).toBeDefined();
      expect({
        row: row.id,
        title: state!.title ?? null,
        status: state!.status,
        start: comparable('start', state!.start),
        end: comparable('end', state!.end),
      }).toEqual({
        row: row.id,
        title: row.title || null,
        status: row.status,
        start: row.allDay ? comparable('start', { kind: 'date', date: row.startDate }) : row.startAt.getTime(),
        end: row.allDay ? comparable('end', { kind: 'date', date: row.endDate }) : row.endAt.getTime(),
      });
    }

    // 4. Every accepted CRM edit is in the event's history or in one of its conflict records.
    const conflicts = await db.eventConflict.findMany({ where: { event: { connectionId } } });
    for (const edit of accepted) {
      const inHistory = changes.some(
        (c) => c.eventId === edit.eventId && (JSON.parse(c.fieldsAfter ?? '{}') as Record<string, unknown>)[edit.field] === edit.value,
      );
      const inConflict = conflicts.some(
        (c) => c.eventId === edit.eventId && (JSON.parse(c.localVersion) as Record<string, unknown>)[edit.field] === edit.value,
      );
      expect({ edit, kept: inHistory || inConflict }).toEqual({ edit, kept: true });
    }

    // 5. Every calendar-side title that was not replaced in the calendar itself reached the CRM: it is in
    //    the history or a conflict record (a write without If-Match would overwrite it unseen).
    for (const set of providerTitles.filter((t) => !t.superseded)) {
      const row = all.find((r) => r.externalEventId === set.externalId);
      const mentions = (json: string | null) => (json ? (JSON.parse(json) as Record<string, unknown>).title === set.value : false);
      const seen =
        !!row &&
        (changes.some((c) => c.eventId === row.id && (mentions(c.fieldsAfter) || mentions(c.fieldsBefore))) ||
          conflicts.some((c) => c.eventId === row.id && mentions(c.remoteVersion)));
      expect({ set, seen }).toEqual({ set, seen: true });
    }
  }

  function comparable(field: string, value: unknown): unknown {
    if ((field === 'start' || field === 'end') && value && typeof value === 'object') return instant(value as EventTime);
    return value ?? null;
  }

  /** Google addresses an occurrence by `<masterId>_<UTC basic time>`; Graph by an id we learn from sync. */
  function occurrenceId(provider: 'google' | 'microsoft', masterId: string, startMs: number): string | undefined {
    if (provider !== 'google') return undefined;
    return `${masterId}_${new Date(startMs)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '')}`;
  }

  async function microsoftOccurrence(connectionId: string, masterId: string, index: number): Promise<string | undefined> {
    const occurrences = await stack.deps.db.calendarEvent.findMany({
      where: { connectionId, seriesMasterExternalId: masterId, status: { not: 'cancelled' } },
      orderBy: { originalStartAt: 'asc' },
    });
    return occurrences[index]?.externalEventId;
  }

  async function syncAfter(handle: ReturnType<TestStack['temporal']['workflow']['getHandle']>, after: number) {
    await handle.signal(syncNowSignal, { reason: 'manual' });
    await waitFor(
      () => handle.query(statusQuery),
      (s) => s.lastSync?.outcome === 'ok' && Date.parse(s.lastSync.at) >= after,
      {
        what: 'a successful sync after the last edit',
        timeoutMs: 60_000,
      },
    );
  }

  it.each(PROVIDERS)(
    '%s: both sides converge with nothing lost or duplicated',
    async (provider) => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: MAX_OPS }), fc.boolean(), (ops, push) => execute(provider, ops, push)),
        { seed: SEED, numRuns: RUNS, endOnFailure: true, verbose: 1, ...(PATH ? { path: PATH } : {}) },
      );
    },
    Number(process.env.CONVERGENCE_TIMEOUT_MS ?? 600_000),
  );
});
