// The provider contract: every CalendarProvider adapter, run against its local fake, must pass these cases.
// Provider-neutral on purpose: it speaks only CalendarProvider (the adapter) and FakeProviderControl (the
// fake's side door), so google.contract.test.ts and the Microsoft equivalent run it unchanged.

import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { wallTimeOf, zonedWallToUtc } from '../../domain/time/zoned-time';
import type { FakeEventSeed, FakeProviderControl } from '../../fakes/types';
import { isProviderError, type ProviderErrorKind } from '../../providers/errors';
import type { CalendarProvider, CallAuth, OAuthClientCredentials, PushMessage, SyncPosition, TokenSet } from '../../providers/types';
import type { EventChange, EventTime } from '../../domain/events';
import { unmeteredAuth } from '../../providers/unmetered';

export interface ProviderContractContext {
  provider: CalendarProvider;
  fake: FakeProviderControl;
  client: OAuthClientCredentials;
  redirectUri: string;
}

const DAY_MS = 86_400_000;

/** A code exchange's tokens as the identity call takes them (no budget in contract tests). */
const withMeter = (tokens: TokenSet) => ({ ...unmeteredAuth(tokens.accessToken), idToken: tokens.idToken });

/** A timed event `daysFromNow` days ahead at 10:00 UTC (inside any reasonable sync window). */
function timedSeed(title: string, daysFromNow: number, hours = 1): FakeEventSeed {
  const start = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + daysFromNow * DAY_MS + 10 * 3_600_000);
  const end = new Date(start.getTime() + hours * 3_600_000);
  return {
    title,
    start: { kind: 'dateTime', dateTime: start.toISOString(), timeZone: 'UTC' },
    end: { kind: 'dateTime', dateTime: end.toISOString(), timeZone: 'UTC' },
  };
}

function dayString(daysFromNow: number): string {
  return new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + daysFromNow * DAY_MS).toISOString().slice(0, 10);
}

/** The instant of a timed EventTime (ms), undefined for anything else. */
function instant(time: EventTime | undefined): number | undefined {
  return time?.kind === 'dateTime' ? Date.parse(time.dateTime) : undefined;
}

/**
 * A one-hour weekly series (6 occurrences) in Europe/Berlin, first `daysFromNow` days ahead. `occurrence(n)` is
 * the n-th original start (0-based): the same Berlin wall time every week, whatever DST does in between.
 */
function weeklySeries(title: string, daysFromNow: number) {
  const zone = 'Europe/Berlin';
  const firstMs = Date.parse((timedSeed(title, daysFromNow).start as { dateTime: string }).dateTime);
  const seed: FakeEventSeed = {
    title,
    start: { kind: 'dateTime', dateTime: new Date(firstMs).toISOString(), timeZone: zone },
    end: { kind: 'dateTime', dateTime: new Date(firstMs + 3_600_000).toISOString(), timeZone: zone },
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'],
  };
  const occurrence = (n: number): Extract<EventTime, { kind: 'dateTime' }> => {
    const wall = wallTimeOf(firstMs, zone);
    const day = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + 7 * n));
    const ms = zonedWallToUtc({ ...wall, year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() }, zone);
    return { kind: 'dateTime', dateTime: new Date(ms).toISOString(), timeZone: zone };
  };
  return { seed, occurrence };
}

async function expectKind(promise: Promise<unknown>, kinds: ProviderErrorKind | ProviderErrorKind[]): Promise<unknown> {
  const wanted = Array.isArray(kinds) ? kinds : [kinds];
  try {
    await promise;
  } catch (error) {
    if (!isProviderError(error)) throw error;
    expect(wanted).toContain(error.kind);
    return error;
  }
  throw new Error(`expected a ProviderError of kind ${wanted.join('|')}, but the call succeeded`);
}

async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A tiny webhook receiver: parses each request with the adapter and answers Graph validations. */
async function startReceiver(provider: CalendarProvider): Promise<{ url: string; messages: PushMessage[]; close(): Promise<void> }> {
  const messages: PushMessage[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const message = provider.parsePushMessage({ headers: req.headers, query: Object.fromEntries(url.searchParams), body });
      messages.push(message);
      if (message.kind === 'validation') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(message.responseText);
      } else {
        res.writeHead(message.kind === 'invalid' ? 400 : 202).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/calendar`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function runProviderContract(name: string, setup: () => Promise<ProviderContractContext>): void {
  describe(`${name} provider contract`, () => {
    let ctx: ProviderContractContext;
    let accountCounter = 0;

    beforeAll(async () => {
      ctx = await setup();
    });
    afterAll(async () => {
      await ctx?.fake.close();
    });
    afterEach(() => {
      ctx.fake.clearFaults();
    });

    function newEmail(label: string): string {
      accountCounter += 1;
      return `${label}-${accountCounter}-${randomBytes(3).toString('hex')}@example.com`;
    }

    async function connect(email: string): Promise<{ tokens: TokenSet; auth: CallAuth; calendarId: string; state: string }> {
      const calendarId = ctx.fake.ensureAccount(email);
      const codeVerifier = randomBytes(48).toString('base64url');
      const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
      const state = randomBytes(16).toString('base64url');
      const url = ctx.provider.buildAuthorizationUrl(ctx.client, {
        state,
        codeChallenge,
        redirectUri: ctx.redirectUri,
        loginHint: email,
      });
      const grant = await ctx.fake.authorize(url, email);
      expect(grant.state).toBe(state);
      const tokens = await ctx.provider.exchangeCode(ctx.client, {
        code: grant.code,
        codeVerifier,
        redirectUri: ctx.redirectUri,
      });
      return { tokens, auth: unmeteredAuth(tokens.accessToken), calendarId, state };
    }

    /** Runs fetchChanges from `position` until done; returns everything seen and the new cursor. */
    async function syncAll(auth: CallAuth, calendarId: string, position: SyncPosition | null) {
      const changes: EventChange[] = [];
      let pages = 0;
      let current = position;
      for (;;) {
        const page = await ctx.provider.fetchChanges(auth, { calendarId, position: current });
        pages += 1;
        changes.push(...page.changes);
        if (page.next.kind === 'done') return { changes, cursor: page.next.cursor, pages };
        current = page.next.position;
        if (pages > 10_000) throw new Error('fetchChanges never finished');
      }
    }

    function upserts(changes: EventChange[]) {
      return changes.flatMap((change) => (change.type === 'upsert' ? [change.event] : []));
    }

    // -------------------------------------------------------------------------------------------------
    // OAuth
    // -------------------------------------------------------------------------------------------------

    it('completes the authorization-code flow with PKCE and identifies the account by its stable subject', async () => {
      const email = newEmail('oauth');
      const { tokens } = await connect(email);
      expect(tokens.accessToken).toEqual(expect.any(String));
      expect(tokens.refreshToken).toEqual(expect.any(String));
      expect(tokens.expiresAt.getTime()).toBeGreaterThan(Date.now());
      expect(ctx.provider.missingPermissions(tokens.scope)).toEqual([]);
      const identity = await ctx.provider.getAccountIdentity(ctx.client, withMeter(tokens));
      expect(identity.email.toLowerCase()).toBe(email.toLowerCase());
      expect(identity.subject).toEqual(expect.any(String));
      expect(identity.subject.toLowerCase()).not.toContain(email.toLowerCase());
      // The same account again: the same subject. The address given to a new account: another subject.
      expect((await ctx.provider.getAccountIdentity(ctx.client, withMeter((await connect(email)).tokens))).subject).toBe(identity.subject);
      ctx.fake.recreateAccount(email);
      const reborn = await ctx.provider.getAccountIdentity(ctx.client, withMeter((await connect(email)).tokens));
      expect(reborn.email.toLowerCase()).toBe(email.toLowerCase());
      expect(reborn.subject).not.toBe(identity.subject);
    });

    it('refuses a code exchange with the wrong PKCE verifier', async () => {
      const email = newEmail('pkce');
      ctx.fake.ensureAccount(email);
      const codeChallenge = createHash('sha256').update('the-right-verifier-0123456789-0123456789-abc').digest('base64url');
      const url = ctx.provider.buildAuthorizationUrl(ctx.client, {
        state: 's',
        codeChallenge,
        redirectUri: ctx.redirectUri,
        loginHint: email,
      });
      const grant = await ctx.fake.authorize(url, email);
      await expectKind(
        ctx.provider.exchangeCode(ctx.client, {
          code: grant.code,
          codeVerifier: 'a-wrong-verifier-0123456789-0123456789-abcdef',
          redirectUri: ctx.redirectUri,
        }),
        ['access_revoked', 'invalid_request'],
      );
    });

    it('refreshes the access token and returns a rotated refresh token exactly when the provider issues one', async () => {
      const email = newEmail('refresh');
      const { tokens } = await connect(email);
      const before = new Set(ctx.fake.issuedSecrets());
      const refreshed = await ctx.provider.refresh(ctx.client, tokens.refreshToken!);
      const issuedNow = ctx.fake.issuedSecrets().filter((secret) => !before.has(secret) && secret !== refreshed.accessToken);

      expect(refreshed.accessToken).not.toBe(tokens.accessToken);
      expect(refreshed.expiresAt.getTime()).toBeGreaterThan(Date.now());
      if (issuedNow.length > 0) {
        // The provider rotated the refresh token: the adapter must hand the new one back.
        expect(issuedNow).toContain(refreshed.refreshToken);
      } else {
        expect([undefined, tokens.refreshToken]).toContain(refreshed.refreshToken);
      }
      const identity = await ctx.provider.getAccountIdentity(ctx.client, withMeter(refreshed));
      expect(identity.email.toLowerCase()).toBe(email.toLowerCase());
    });

    it('reports a revoked grant as access_revoked on refresh and unauthorized on API calls', async () => {
      const email = newEmail('revoked');
      const { tokens, auth, calendarId } = await connect(email);
      ctx.fake.revokeGrants(email);
      await expectKind(ctx.provider.refresh(ctx.client, tokens.refreshToken!), 'access_revoked');
      await expectKind(ctx.provider.fetchChanges(auth, { calendarId, position: null }), 'unauthorized');
    });

    it('reports an expired access token as unauthorized, and a refresh recovers', async () => {
      const email = newEmail('expired');
      const { tokens, auth, calendarId } = await connect(email);
      ctx.fake.expireAccessTokens(email);
      await expectKind(ctx.provider.fetchChanges(auth, { calendarId, position: null }), 'unauthorized');
      await expectKind(ctx.provider.getAccountIdentity(ctx.client, withMeter(tokens)), 'unauthorized');
      const refreshed = await ctx.provider.refresh(ctx.client, tokens.refreshToken!);
      const page = await ctx.provider.fetchChanges(unmeteredAuth(refreshed.accessToken), { calendarId, position: null });
      expect(page.changes).toEqual(expect.any(Array));
    });

    it('lists the primary calendar', async () => {
      const email = newEmail('calendars');
      const { auth, calendarId } = await connect(email);
      const calendars = await ctx.provider.listCalendars(auth);
      expect(calendars).toEqual(
        expect.arrayContaining([expect.objectContaining({ externalId: calendarId, isPrimary: true, canWrite: true })]),
      );
    });

    // -------------------------------------------------------------------------------------------------
    // Sync
    // -------------------------------------------------------------------------------------------------

    it('syncs an empty calendar to a cursor with no changes, then finds nothing new', async () => {
      const email = newEmail('empty');
      const { auth, calendarId } = await connect(email);
      const full = await syncAll(auth, calendarId, null);
      expect(upserts(full.changes)).toEqual([]);
      const again = await syncAll(auth, calendarId, full.cursor);
      expect(again.changes).toEqual([]);
    });

    it('returns provider-side creates, updates and deletes incrementally', async () => {
      const email = newEmail('incremental');
      const { auth, calendarId } = await connect(email);
      const [keepId, changeId, deleteId] = ctx.fake.seedEvents(email, [
        timedSeed('Keep', 1),
        timedSeed('Change me', 2),
        timedSeed('Delete me', 3),
      ]);

      const full = await syncAll(auth, calendarId, null);
      const seen = upserts(full.changes);
      expect(seen.map((event) => event.title).sort()).toEqual(['Change me', 'Delete me', 'Keep']);
      const changed = seen.find((event) => event.externalId === changeId)!;
      expect(changed).toMatchObject({ calendarId, kind: 'single', status: 'confirmed' });
      expect(changed.start).toMatchObject({ kind: 'dateTime' });
      expect(changed.version).toEqual(expect.any(String));

      const addedId = ctx.fake.seedEvent(email, timedSeed('Added', 4));
      ctx.fake.updateEventAsProvider(email, changeId!, { title: 'Changed' });
      ctx.fake.deleteEventAsProvider(email, deleteId!);

      const incremental = await syncAll(auth, calendarId, full.cursor);
      const incUpserts = upserts(incremental.changes);
      expect(incUpserts.find((event) => event.externalId === addedId)?.title).toBe('Added');
      const updated = incUpserts.find((event) => event.externalId === changeId);
      expect(updated?.title).toBe('Changed');
      expect(updated?.version).not.toBe(changed.version);
      expect(incremental.changes).toContainEqual(expect.objectContaining({ type: 'delete', externalId: deleteId }));
      expect(incUpserts.find((event) => event.externalId === keepId)).toBeUndefined();
      expect(incUpserts.find((event) => event.externalId === deleteId)).toBeUndefined();

      const quiet = await syncAll(auth, calendarId, incremental.cursor);
      expect(quiet.changes).toEqual([]);
    });

    it('normalizes all-day events as dates with an exclusive end', async () => {
      const email = newEmail('allday');
      const { auth, calendarId } = await connect(email);
      const id = ctx.fake.seedEvent(email, {
        title: 'Offsite',
        start: { kind: 'date', date: dayString(5) },
        end: { kind: 'date', date: dayString(7) },
      });
      const event = upserts((await syncAll(auth, calendarId, null)).changes).find((e) => e.externalId === id);
      expect(event?.start).toEqual({ kind: 'date', date: dayString(5) });
      expect(event?.end).toEqual({ kind: 'date', date: dayString(7) });
    });

    it('returns a recurring series as a master plus its changed exception', async () => {
      const email = newEmail('series');
      const { auth, calendarId } = await connect(email);
      const first = timedSeed('Weekly sync', 7);
      const secondStart = new Date(Date.parse((first.start as { dateTime: string }).dateTime) + 7 * DAY_MS);
      const movedStart = new Date(secondStart.getTime() + 2 * 3_600_000);
      const masterId = ctx.fake.seedEvent(email, {
        ...first,
        start: { kind: 'dateTime', dateTime: (first.start as { dateTime: string }).dateTime, timeZone: 'Europe/Berlin' },
        end: { kind: 'dateTime', dateTime: (first.end as { dateTime: string }).dateTime, timeZone: 'Europe/Berlin' },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'],
        exceptions: [
          {
            originalStart: { kind: 'dateTime', dateTime: secondStart.toISOString(), timeZone: 'Europe/Berlin' },
            patch: {
              title: 'Weekly sync (moved)',
              start: { kind: 'dateTime', dateTime: movedStart.toISOString(), timeZone: 'Europe/Berlin' },
              end: { kind: 'dateTime', dateTime: new Date(movedStart.getTime() + 3_600_000).toISOString(), timeZone: 'Europe/Berlin' },
            },
          },
        ],
      });
      const events = upserts((await syncAll(auth, calendarId, null)).changes);
      const master = events.find((event) => event.externalId === masterId);
      expect(master?.kind).toBe('seriesMaster');
      expect(master?.recurrence?.some((line) => line.startsWith('RRULE:') && line.includes('FREQ=WEEKLY'))).toBe(true);
      const moved = events.find((event) => event.title === 'Weekly sync (moved)');
      expect(moved).toMatchObject({ kind: 'exception', seriesMasterId: masterId });
      expect(moved?.start.kind === 'dateTime' && Date.parse(moved.start.dateTime)).toBe(movedStart.getTime());
      expect(moved?.originalStart?.kind === 'dateTime' && Date.parse(moved.originalStart.dateTime)).toBe(secondStart.getTime());
    });

    it('reads an untouched occurrence of a series by its original start', async () => {
      const email = newEmail('occurrence');
      const { auth, calendarId } = await connect(email);
      const series = weeklySeries('Standup', 7);
      const masterId = ctx.fake.seedEvent(email, series.seed);
      const originalStart = series.occurrence(2);

      const occurrence = await ctx.provider.getOccurrence(auth, { calendarId, seriesMasterId: masterId, originalStart });
      expect(['occurrence', 'exception']).toContain(occurrence.kind);
      expect(occurrence).toMatchObject({ calendarId, seriesMasterId: masterId, title: 'Standup', status: 'confirmed' });
      expect(occurrence.externalId).not.toBe(masterId);
      expect(occurrence.version).toEqual(expect.any(String));
      expect(instant(occurrence.originalStart)).toBe(Date.parse(originalStart.dateTime));
      expect(instant(occurrence.start)).toBe(Date.parse(originalStart.dateTime));
      expect(instant(occurrence.end)).toBe(Date.parse(originalStart.dateTime) + 3_600_000);
    });

    it('reads an occurrence of an all-day series by its date', async () => {
      const email = newEmail('occurrence-allday');
      const { auth, calendarId } = await connect(email);
      const masterId = ctx.fake.seedEvent(email, {
        title: 'Focus day',
        start: { kind: 'date', date: dayString(3) },
        end: { kind: 'date', date: dayString(4) },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
      });
      const occurrence = await ctx.provider.getOccurrence(auth, {
        calendarId,
        seriesMasterId: masterId,
        originalStart: { kind: 'date', date: dayString(10) },
      });
      expect(occurrence).toMatchObject({
        seriesMasterId: masterId,
        title: 'Focus day',
        originalStart: { kind: 'date', date: dayString(10) },
        start: { kind: 'date', date: dayString(10) },
        end: { kind: 'date', date: dayString(11) },
      });
      await expectKind(
        ctx.provider.getOccurrence(auth, { calendarId, seriesMasterId: masterId, originalStart: { kind: 'date', date: dayString(11) } }),
        'not_found',
      );
    });

    it('updates one occurrence with If-Match: it syncs back as an exception with the same id, the master untouched', async () => {
      const email = newEmail('occurrence-write');
      const { auth, calendarId } = await connect(email);
      const series = weeklySeries('Standup', 7);
      const masterId = ctx.fake.seedEvent(email, series.seed);
      const full = await syncAll(auth, calendarId, null);
      const masterBefore = upserts(full.changes).find((event) => event.externalId === masterId)!;
      expect(masterBefore.kind).toBe('seriesMaster');

      const originalStart = series.occurrence(1);
      const occurrence = await ctx.provider.getOccurrence(auth, { calendarId, seriesMasterId: masterId, originalStart });
      const updated = await ctx.provider.updateEvent(auth, {
        calendarId,
        eventId: occurrence.externalId,
        patch: { title: 'Standup (one-off)' },
        ifMatch: occurrence.version,
      });
      expect(updated).toMatchObject({
        externalId: occurrence.externalId,
        kind: 'exception',
        seriesMasterId: masterId,
        title: 'Standup (one-off)',
      });
      await expectKind(
        ctx.provider.updateEvent(auth, {
          calendarId,
          eventId: occurrence.externalId,
          patch: { title: 'Stale write' },
          ifMatch: occurrence.version,
        }),
        'version_conflict',
      );

      const incremental = upserts((await syncAll(auth, calendarId, full.cursor)).changes);
      // Only that occurrence changed (Graph's adapter may re-send the unchanged master alongside it).
      expect(incremental.filter((event) => event.kind !== 'seriesMaster').map((event) => event.externalId)).toEqual([
        occurrence.externalId,
      ]);
      const exception = incremental.find((event) => event.externalId === occurrence.externalId)!;
      expect(exception).toMatchObject({
        kind: 'exception',
        seriesMasterId: masterId,
        title: 'Standup (one-off)',
        version: updated.version,
      });
      expect(instant(exception.originalStart)).toBe(Date.parse(originalStart.dateTime));
      expect(instant(exception.start)).toBe(Date.parse(originalStart.dateTime));

      const again = await ctx.provider.getOccurrence(auth, { calendarId, seriesMasterId: masterId, originalStart });
      expect(again).toMatchObject({
        externalId: occurrence.externalId,
        kind: 'exception',
        title: 'Standup (one-off)',
        version: updated.version,
      });
      const master = await ctx.provider.getEvent(auth, { calendarId, eventId: masterId });
      expect(master).toMatchObject({
        kind: 'seriesMaster',
        title: 'Standup',
        version: masterBefore.version,
        recurrence: masterBefore.recurrence,
      });
      const neighbour = await ctx.provider.getOccurrence(auth, {
        calendarId,
        seriesMasterId: masterId,
        originalStart: series.occurrence(2),
      });
      expect(neighbour.title).toBe('Standup');
    });

    it('reports a start that is no occurrence of the series, a cancelled one, or no series at all as not_found', async () => {
      const email = newEmail('occurrence-missing');
      const { auth, calendarId } = await connect(email);
      const series = weeklySeries('Standup', 7);
      const masterId = ctx.fake.seedEvent(email, {
        ...series.seed,
        exceptions: [{ originalStart: series.occurrence(3), cancelled: true }],
      });
      const single = timedSeed('One-off', 8);
      const singleId = ctx.fake.seedEvent(email, single);
      const shifted = (time: Extract<EventTime, { kind: 'dateTime' }>, ms: number): EventTime => ({
        ...time,
        dateTime: new Date(Date.parse(time.dateTime) + ms).toISOString(),
      });
      const occurrenceAt = (seriesMasterId: string, originalStart: EventTime) =>
        ctx.provider.getOccurrence(auth, { calendarId, seriesMasterId, originalStart });

      await expectKind(occurrenceAt(masterId, shifted(series.occurrence(1), 3_600_000)), 'not_found');
      await expectKind(occurrenceAt(masterId, shifted(series.occurrence(1), DAY_MS)), 'not_found');
      await expectKind(occurrenceAt(masterId, series.occurrence(6)), 'not_found'); // past COUNT=6
      await expectKind(occurrenceAt(masterId, series.occurrence(3)), 'not_found'); // cancelled
      await expectKind(occurrenceAt(singleId, single.start), 'not_found');
      await expectKind(occurrenceAt('doesnotexist0123456789', series.occurrence(1)), 'not_found');
      expect((await occurrenceAt(masterId, series.occurrence(4))).seriesMasterId).toBe(masterId);
    });

    it('answers an expired cursor with cursor_expired, and a full resync still sees every event', async () => {
      const email = newEmail('cursor');
      const { auth, calendarId } = await connect(email);
      ctx.fake.seedEvents(email, [timedSeed('One', 1), timedSeed('Two', 2)]);
      const full = await syncAll(auth, calendarId, null);
      ctx.fake.expireSyncCursors(email);
      await expectKind(ctx.provider.fetchChanges(auth, { calendarId, position: full.cursor }), 'cursor_expired');
      const resync = await syncAll(auth, calendarId, null);
      expect(
        upserts(resync.changes)
          .map((event) => event.title)
          .sort(),
      ).toEqual(['One', 'Two']);
    });

    it('pages through a few thousand events, each exactly once, resumable from any page position', async () => {
      const email = newEmail('paging');
      const { auth, calendarId } = await connect(email);
      const seeds = Array.from({ length: 3000 }, (_, i) => timedSeed(`Bulk ${i}`, 1 + (i % 300)));
      const ids = ctx.fake.seedEvents(email, seeds);

      const seen = new Map<string, number>();
      let position: SyncPosition | null = null;
      let pages = 0;
      let cursor: SyncPosition | undefined;
      while (cursor === undefined) {
        const page = await ctx.provider.fetchChanges(auth, { calendarId, position });
        pages += 1;
        for (const change of page.changes) {
          if (change.type === 'upsert') seen.set(change.event.externalId, (seen.get(change.event.externalId) ?? 0) + 1);
        }
        if (page.next.kind === 'done') cursor = page.next.cursor;
        else position = page.next.position;
      }
      expect(pages).toBeGreaterThan(1);
      expect(seen.size).toBe(ids.length);
      expect([...seen.values()].every((count) => count === 1)).toBe(true);
      expect(ids.every((id) => seen.has(id))).toBe(true);
      expect((await syncAll(auth, calendarId, cursor)).changes).toEqual([]);
    });

    // -------------------------------------------------------------------------------------------------
    // Writes
    // -------------------------------------------------------------------------------------------------

    it('creates idempotently: the same key, retried and concurrent, makes one event', async () => {
      const email = newEmail('idempotent');
      const { auth, calendarId } = await connect(email);
      const seed = timedSeed('Demo call', 3);
      const input = {
        calendarId,
        idempotencyKey: `crm-activity-${randomBytes(6).toString('hex')}`,
        event: { title: 'Demo call', start: seed.start, end: seed.end, attendees: [{ email: 'guest@example.org' }] },
      };
      const first = await ctx.provider.createEvent(auth, input);
      const retried = await ctx.provider.createEvent(auth, input);
      expect(retried.externalId).toBe(first.externalId);

      const otherKey = { ...input, idempotencyKey: `${input.idempotencyKey}-b`, event: { ...input.event, title: 'Second call' } };
      const [a, b] = await Promise.all([ctx.provider.createEvent(auth, otherKey), ctx.provider.createEvent(auth, otherKey)]);
      expect(a.externalId).toBe(b.externalId);

      const atProvider = ctx.fake.listEvents(email, calendarId);
      expect(atProvider.filter((event) => event.title === 'Demo call')).toHaveLength(1);
      expect(atProvider.filter((event) => event.title === 'Second call')).toHaveLength(1);
      expect(first).toMatchObject({ title: 'Demo call', status: 'confirmed', kind: 'single', calendarId });
      expect(first.attendees).toEqual([expect.objectContaining({ email: 'guest@example.org', response: 'needsAction' })]);
    });

    it('updates with If-Match and reports a stale version as version_conflict', async () => {
      const email = newEmail('etag');
      const { auth, calendarId } = await connect(email);
      const seed = timedSeed('Original', 2);
      const created = await ctx.provider.createEvent(auth, {
        calendarId,
        idempotencyKey: `k-${randomBytes(6).toString('hex')}`,
        event: { title: 'Original', start: seed.start, end: seed.end },
      });
      const updated = await ctx.provider.updateEvent(auth, {
        calendarId,
        eventId: created.externalId,
        patch: { title: 'Renamed' },
        ifMatch: created.version,
      });
      expect(updated.title).toBe('Renamed');
      expect(updated.version).not.toBe(created.version);
      await expectKind(
        ctx.provider.updateEvent(auth, {
          calendarId,
          eventId: created.externalId,
          patch: { title: 'Stale write' },
          ifMatch: created.version,
        }),
        'version_conflict',
      );
      ctx.fake.updateEventAsProvider(email, created.externalId, { location: 'Room 2' });
      await expectKind(
        ctx.provider.updateEvent(auth, {
          calendarId,
          eventId: created.externalId,
          patch: { title: 'Also stale' },
          ifMatch: updated.version,
        }),
        'version_conflict',
      );
      const current = await ctx.provider.getEvent(auth, { calendarId, eventId: created.externalId });
      expect(current).toMatchObject({ title: 'Renamed', location: 'Room 2' });
    });

    it('deletes, and reports a missing event as not_found', async () => {
      const email = newEmail('delete');
      const { auth, calendarId } = await connect(email);
      const id = ctx.fake.seedEvent(email, timedSeed('Short-lived', 1));
      await ctx.provider.deleteEvent(auth, { calendarId, eventId: id });
      expect(ctx.fake.listEvents(email, calendarId).filter((event) => event.id === id && event.status !== 'cancelled')).toEqual([]);
      await expectKind(ctx.provider.deleteEvent(auth, { calendarId, eventId: id }), 'not_found');
      await expectKind(ctx.provider.getEvent(auth, { calendarId, eventId: 'doesnotexist0123456789' }), 'not_found');
    });

    // -------------------------------------------------------------------------------------------------
    // Free/busy
    // -------------------------------------------------------------------------------------------------

    it('reads free/busy for several accounts, with a per-account error for an unknown one', async () => {
      const alice = newEmail('fb-alice');
      const bob = newEmail('fb-bob');
      const unknown = newEmail('fb-nobody');
      const { auth } = await connect(alice);
      ctx.fake.ensureAccount(bob);
      const aliceSeed = timedSeed('Alice busy', 2);
      const bobSeed = timedSeed('Bob busy', 3, 2);
      ctx.fake.seedEvent(alice, aliceSeed);
      ctx.fake.seedEvent(bob, bobSeed);
      ctx.fake.seedEvent(bob, { ...timedSeed('Bob far away', 60) });

      const result = await ctx.provider.freeBusy(auth, {
        emails: [alice, bob, unknown],
        timeMin: new Date(Date.now()).toISOString(),
        timeMax: new Date(Date.now() + 10 * DAY_MS).toISOString(),
        timeZone: 'UTC',
      });
      const toUtc = (time: FakeEventSeed['start']) => (time.kind === 'dateTime' ? new Date(time.dateTime).toISOString() : time.date);
      expect(result[alice]).toEqual({
        busy: [expect.objectContaining({ start: toUtc(aliceSeed.start), end: toUtc(aliceSeed.end), status: 'busy' })],
      });
      expect(result[bob]).toEqual({ busy: [expect.objectContaining({ start: toUtc(bobSeed.start), end: toUtc(bobSeed.end) })] });
      expect(result[unknown]).toEqual({ error: expect.any(String) });
    });

    // -------------------------------------------------------------------------------------------------
    // Push
    // -------------------------------------------------------------------------------------------------

    it('creates a push channel, delivers provider-side changes, renews and stops it', async () => {
      const email = newEmail('push');
      const { auth, calendarId } = await connect(email);
      const receiver = await startReceiver(ctx.provider);
      try {
        const secret = randomBytes(24).toString('base64url');
        const channel = await ctx.provider.createPushChannel(auth, {
          calendarId,
          notificationUrl: receiver.url,
          secret,
          expiresAt: new Date(Date.now() + DAY_MS),
        });
        expect(channel.calendarId).toBe(calendarId);
        expect(channel.expiresAt.getTime()).toBeGreaterThan(Date.now());
        expect(ctx.fake.listPushChannels(email).map((c) => c.id)).toContain(channel.channelId);

        const changeFor = (channelId: string) => () =>
          receiver.messages.find((m): m is Extract<PushMessage, { kind: 'change' }> => m.kind === 'change' && m.channelId === channelId);

        ctx.fake.seedEvent(email, timedSeed('Pushed', 1));
        const change = await waitFor(changeFor(channel.channelId), 'a change notification');
        expect(change.secret).toBe(secret);
        expect(receiver.messages.some((m) => m.kind === 'invalid')).toBe(false);

        const renewed = await ctx.provider.renewPushChannel(auth, {
          channel,
          notificationUrl: receiver.url,
          secret,
          expiresAt: new Date(Date.now() + 2 * DAY_MS),
        });
        expect(renewed.expiresAt.getTime()).toBeGreaterThan(channel.expiresAt.getTime());
        const active = ctx.fake.listPushChannels(email).map((c) => c.id);
        expect(active).toContain(renewed.channelId);
        expect(active).toHaveLength(1); // the old channel was stopped (or renewed in place)

        ctx.fake.seedEvent(email, timedSeed('Pushed again', 2));
        await waitFor(
          () =>
            receiver.messages.filter((m) => m.kind === 'change' && m.channelId === renewed.channelId).length >=
              (renewed.channelId === channel.channelId ? 2 : 1) || undefined,
          'a change notification on the renewed channel',
        );

        await ctx.provider.stopPushChannel(auth, renewed);
        expect(ctx.fake.listPushChannels(email)).toEqual([]);
      } finally {
        await receiver.close();
      }
    });

    it('classifies a webhook request without the provider headers as invalid', () => {
      expect(ctx.provider.parsePushMessage({ headers: {}, query: {}, body: { hello: 'world' } }).kind).toBe('invalid');
    });

    // -------------------------------------------------------------------------------------------------
    // Faults
    // -------------------------------------------------------------------------------------------------

    describe('injected faults', () => {
      let auth: CallAuth;
      let calendarId: string;

      beforeAll(async () => {
        const email = newEmail('faults');
        ({ auth, calendarId } = await connect(email));
        ctx.fake.seedEvent(email, timedSeed('Something', 1));
      });

      // Enough failures to outlast any retries the vendor client library makes on its own.
      const COUNT = 10;

      it('maps throttling to rate_limited with the Retry-After seconds', async () => {
        ctx.fake.injectFault({ kind: 'rate_limit', count: COUNT, retryAfterSeconds: 7 });
        const error = await expectKind(ctx.provider.fetchChanges(auth, { calendarId, position: null }), 'rate_limited');
        expect((error as { details: { retryAfterSeconds?: number } }).details.retryAfterSeconds).toBe(7);
      });

      it('maps a server error to transient', async () => {
        ctx.fake.injectFault({ kind: 'server_error', count: COUNT });
        await expectKind(ctx.provider.fetchChanges(auth, { calendarId, position: null }), 'transient');
      });

      it('maps an unavailable service to transient or rate_limited', async () => {
        ctx.fake.injectFault({ kind: 'unavailable', count: COUNT, retryAfterSeconds: 1 });
        await expectKind(ctx.provider.fetchChanges(auth, { calendarId, position: null }), ['transient', 'rate_limited']);
      });

      it('maps a dropped connection to transient', async () => {
        ctx.fake.injectFault({ kind: 'drop', count: COUNT });
        await expectKind(ctx.provider.listCalendars(auth), 'transient');
      });

      it('maps a malformed answer to malformed_response', async () => {
        ctx.fake.injectFault({ kind: 'malformed', count: COUNT });
        await expectKind(ctx.provider.fetchChanges(auth, { calendarId, position: null }), 'malformed_response');
      });

      it('still answers correctly when the provider is slow', async () => {
        ctx.fake.injectFault({ kind: 'slow', count: 1, delayMs: 300 });
        const page = await ctx.provider.fetchChanges(auth, { calendarId, position: null });
        expect(upserts(page.changes).map((event) => event.title)).toContain('Something');
      });

      it('recovers once the faults are gone', async () => {
        ctx.fake.injectFault({ kind: 'server_error', count: 1, pathIncludes: '/no-such-path' });
        const page = await ctx.provider.fetchChanges(auth, { calendarId, position: null });
        expect(page.changes.length).toBeGreaterThan(0);
      });
    });

    it('never lets a fake-issued secret or the account email into an error message', async () => {
      const email = newEmail('secrets');
      const { tokens, auth, calendarId } = await connect(email);
      ctx.fake.revokeGrants(email);
      const errors = await Promise.all([
        ctx.provider.refresh(ctx.client, tokens.refreshToken!).catch((error: unknown) => error),
        ctx.provider.fetchChanges(auth, { calendarId, position: null }).catch((error: unknown) => error),
        ctx.provider.getAccountIdentity(ctx.client, withMeter(tokens)).catch((error: unknown) => error),
      ]);
      const secrets = ctx.fake.issuedSecrets();
      for (const error of errors) {
        expect(isProviderError(error)).toBe(true);
        const text = `${(error as Error).message} ${JSON.stringify(error)}`;
        for (const secret of [...secrets, email, ctx.client.clientSecret]) expect(text).not.toContain(secret);
      }
    });
  });
}
