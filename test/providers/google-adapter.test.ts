// Google adapter specifics the provider-neutral contract does not cover: Google's reason codes, the
// authorization URL, deterministic event ids, cancelled occurrences, timeouts.

import { randomBytes } from 'node:crypto';

import { startGoogleFake, type GoogleFake } from '../../fakes/google';
import { isProviderError, type ProviderError } from '../../providers/errors';
import { createGoogleProvider } from '../../providers/google';
import { toProviderError } from '../../providers/google/errors';
import { eventIdForKey } from '../../providers/google/event-id';
import type { CalendarProvider, CallAuth } from '../../providers/types';
import { unmeteredAuth } from '../../providers/unmetered';

const client = { clientId: 'adapter-test.apps.googleusercontent.com', clientSecret: 'adapter-secret' };
const redirectUri = 'http://127.0.0.1:9/cb';
let fake: GoogleFake;
let provider: CalendarProvider;

beforeAll(async () => {
  fake = await startGoogleFake();
  fake.registerClient(client.clientId, client.clientSecret);
  provider = createGoogleProvider(fake.endpoints, { timeoutMs: 1000, pageSize: 50 });
});
afterAll(() => fake.close());
afterEach(() => fake.clearFaults());

async function connect(email: string): Promise<{ auth: CallAuth; refreshToken: string }> {
  const verifier = randomBytes(40).toString('base64url');
  const { createHash } = await import('node:crypto');
  const url = provider.buildAuthorizationUrl(client, {
    state: 's',
    codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
    redirectUri,
    loginHint: email,
  });
  const { code } = await fake.authorize(url, email);
  const tokens = await provider.exchangeCode(client, { code, codeVerifier: verifier, redirectUri });
  return { auth: unmeteredAuth(tokens.accessToken), refreshToken: tokens.refreshToken! };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isProviderError(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

const gaxiosLike = (status: number, data: unknown, headers: Record<string, string> = {}) => ({
  response: { status, data, headers: new Headers(headers) },
});
const apiError = (reason: string, code: number) => ({
  error: { errors: [{ domain: 'global', reason, message: 'm' }], code, message: 'm' },
});

describe('Google error classification', () => {
  it.each([
    [403, 'rateLimitExceeded', 'rate_limited'],
    [403, 'userRateLimitExceeded', 'rate_limited'],
    // Usage limits that can last hours are not a rate limit to retry hot (issue 13).
    [403, 'quotaExceeded', 'quota_exhausted'],
    [403, 'dailyLimitExceeded', 'quota_exhausted'],
    [429, 'rateLimitExceeded', 'rate_limited'],
    // A scope left unticked at consent, or a resource the grant may not touch: never a revoked grant.
    [403, 'insufficientPermissions', 'insufficient_scope'],
    [403, 'forbidden', 'permission_denied'],
    [403, 'requiredAccessLevel', 'permission_denied'],
    [403, 'forbiddenForNonOrganizer', 'not_organizer'],
    [410, 'fullSyncRequired', 'cursor_expired'],
    [410, 'deleted', 'not_found'],
    [404, 'notFound', 'not_found'],
    [412, 'conditionNotMet', 'version_conflict'],
    [500, 'backendError', 'transient'],
    [503, 'backendError', 'transient'],
    [400, 'invalid', 'invalid_request'],
    [401, 'authError', 'unauthorized'],
  ])('%i %s -> %s', (status, reason, kind) => {
    const error = toProviderError(gaxiosLike(status, apiError(reason, status), { 'retry-after': '12' }));
    expect(error.kind).toBe(kind);
    expect(error.details).toMatchObject({ status, code: reason });
    if (kind === 'rate_limited' || kind === 'quota_exhausted') expect(error.details.retryAfterSeconds).toBe(12);
    expect(error.message).toBe(`google ${status} ${reason}`);
  });

  it('reads OAuth errors by endpoint: invalid_grant revokes at refresh, is a bad request at code exchange', () => {
    const body = { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' };
    expect(toProviderError(gaxiosLike(400, body), 'refresh').kind).toBe('access_revoked');
    expect(toProviderError(gaxiosLike(400, body), 'exchange').kind).toBe('invalid_request');
    expect(toProviderError(gaxiosLike(401, { error: 'invalid_client' }), 'refresh').kind).toBe('invalid_request');
  });

  it('treats connection failures as transient and classifies by code, not message text', () => {
    expect(toProviderError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).kind).toBe('transient');
    expect(toProviderError(gaxiosLike(403, apiError('somethingNew', 403))).kind).toBe('permission_denied');
    expect(toProviderError(gaxiosLike(400, apiError('somethingNew', 400))).kind).toBe('invalid_request');
    const retryDate = new Date(Date.now() + 30_000).toUTCString();
    expect(toProviderError(gaxiosLike(429, 'Too Many Requests', { 'retry-after': retryDate })).details.retryAfterSeconds).toBeGreaterThan(
      0,
    );
  });
});

describe('Google adapter', () => {
  it('builds the documented authorization URL', () => {
    const url = new URL(
      provider.buildAuthorizationUrl(client, { state: 'st', codeChallenge: 'ch', redirectUri, loginHint: 'a@example.com' }),
    );
    expect(`${url.origin}${url.pathname}`).toBe(fake.endpoints.authorizeUrl);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: redirectUri,
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: 'true',
      state: 'st',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      login_hint: 'a@example.com',
    });
    expect(url.searchParams.get('scope')!.split(' ').sort()).toEqual(
      ['email', 'https://www.googleapis.com/auth/calendar.events', 'https://www.googleapis.com/auth/calendar.readonly', 'openid'].sort(),
    );
  });

  it('derives stable base32hex event ids from idempotency keys', () => {
    expect(eventIdForKey('a')).toBe(eventIdForKey('a'));
    expect(eventIdForKey('a')).not.toBe(eventIdForKey('b'));
    expect(eventIdForKey('anything')).toMatch(/^[0-9a-v]{51}$/);
  });

  it('reports 403 rateLimitExceeded with Retry-After as rate_limited through the real client', async () => {
    const { auth } = await connect('adapter-403@example.com');
    fake.injectFault({ kind: 'rate_limit', count: 5, retryAfterSeconds: 9, rateLimitStatus: 403 });
    const error = await failure(provider.listCalendars(auth));
    expect(error.kind).toBe('rate_limited');
    expect(error.details).toMatchObject({ status: 403, code: 'rateLimitExceeded', retryAfterSeconds: 9 });
  });

  it('times out slow answers as transient', async () => {
    const { auth } = await connect('adapter-slow@example.com');
    fake.injectFault({ kind: 'slow', count: 1, delayMs: 2500 });
    expect((await failure(provider.listCalendars(auth))).kind).toBe('transient');
  });

  it('turns a cancelled occurrence into a delete carrying its series and original start', async () => {
    const email = 'adapter-series@example.com';
    const { auth } = await connect(email);
    const masterId = fake.seedEvent(email, {
      title: 'Series',
      start: { kind: 'dateTime', dateTime: '2030-03-04T09:00:00.000Z', timeZone: 'Europe/Berlin' },
      end: { kind: 'dateTime', dateTime: '2030-03-04T09:30:00.000Z', timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
      exceptions: [
        { originalStart: { kind: 'dateTime', dateTime: '2030-03-11T09:00:00.000Z', timeZone: 'Europe/Berlin' }, cancelled: true },
      ],
    });
    const page = await provider.fetchChanges(auth, { calendarId: email, position: null });
    expect(page.changes).toContainEqual({
      type: 'delete',
      externalId: `${masterId}_20300311T090000Z`,
      seriesMasterId: masterId,
      originalStart: { kind: 'dateTime', dateTime: '2030-03-11T09:00:00.000Z', timeZone: 'Europe/Berlin' },
      reason: 'deleted',
    });
    const master = page.changes.find((c) => c.type === 'upsert' && c.event.externalId === masterId);
    expect(master).toMatchObject({
      event: { kind: 'seriesMaster', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'], start: { timeZone: 'Europe/Berlin' } },
    });
  });

  it('treats an unreadable position as an expired cursor', async () => {
    const { auth } = await connect('adapter-pos@example.com');
    expect((await failure(provider.fetchChanges(auth, { calendarId: 'adapter-pos@example.com', position: 'not-ours' }))).kind).toBe(
      'cursor_expired',
    );
  });

  it('keeps paging an incremental pass with the same sync token', async () => {
    const email = 'adapter-inc@example.com';
    const { auth } = await connect(email);
    let position: string | null = null;
    let cursor: string;
    for (;;) {
      const page: Awaited<ReturnType<CalendarProvider['fetchChanges']>> = await provider.fetchChanges(auth, {
        calendarId: email,
        position,
      });
      if (page.next.kind === 'done') {
        cursor = page.next.cursor;
        break;
      }
      position = page.next.position;
    }
    fake.seedEvents(
      email,
      Array.from({ length: 120 }, (_, i) => ({
        title: `N${i}`,
        start: { kind: 'date' as const, date: '2030-07-01' },
        end: { kind: 'date' as const, date: '2030-07-02' },
      })),
    );
    const seen = new Set<string>();
    let next: string | null = cursor;
    let pages = 0;
    for (;;) {
      const page: Awaited<ReturnType<CalendarProvider['fetchChanges']>> = await provider.fetchChanges(auth, {
        calendarId: email,
        position: next,
      });
      pages += 1;
      for (const change of page.changes) if (change.type === 'upsert') seen.add(change.event.externalId);
      if (page.next.kind === 'done') break;
      next = page.next.position;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.size).toBe(120);
  });

  it('parses Google push headers', () => {
    expect(
      provider.parsePushMessage({ headers: { 'x-goog-channel-id': 'c', 'x-goog-resource-state': 'sync' }, query: {}, body: undefined }),
    ).toEqual({ kind: 'sync-handshake', channelId: 'c' });
    expect(
      provider.parsePushMessage({
        headers: { 'x-goog-channel-id': 'c', 'x-goog-resource-state': 'exists', 'x-goog-channel-token': 't', 'x-goog-resource-id': 'r' },
        query: {},
        body: undefined,
      }),
    ).toEqual({ kind: 'change', channelId: 'c', secret: 't', resourceId: 'r' });
  });

  it('revokes the grant so refresh fails with access_revoked', async () => {
    const { refreshToken } = await connect('adapter-revoke@example.com');
    await provider.revoke(client, refreshToken);
    await provider.revoke(client, refreshToken); // idempotent
    expect((await failure(provider.refresh(client, refreshToken))).kind).toBe('access_revoked');
  });
});
