// A connection belongs to the person who completed the consent, proven (RFC 9700 4.7), on the real stack.
// The attacks: an authorization link forwarded to someone else of the organization, or to someone outside
// it; another user connecting an address a colleague already connected; a disconnected connection's data
// handed to the next user of the same address; an address that now belongs to another account; and a
// Google consent with the calendar permission unticked. Each one fails, and nothing is attached.
import { PERMISSIONS } from '../../api/auth/permissions';
import { call, connectThroughApi, consentThroughApi, eventually, rowCounts, tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';

const EVENTS_SCOPE = 'https://www.googleapis.com/auth/calendar.events';

describe('OAuth completion is bound to the user who started it', () => {
  let stack: TestStack;
  let alice: string;
  let bob: string;
  let mallory: string;

  beforeAll(async () => {
    stack = await startTestStack();
    alice = await tokenFor(stack, 'acme', 'alice');
    // No view-all: what Bob sees is his own.
    bob = await tokenFor(stack, 'acme', 'bob', [PERMISSIONS.connect, PERMISSIONS.view, PERMISSIONS.schedule]);
    mallory = await tokenFor(stack, 'evil-corp', 'mallory');
  });
  afterAll(async () => {
    await stack?.close();
  });

  const complete = (token: string, body: { provider: string; code: string; state: string }) =>
    call(stack, 'POST', '/v1/oauth/complete', { token, body });
  const connectionsOf = (token: string) =>
    call(stack, 'GET', '/v1/connections?includeDisconnected=true', { token }).then((r) => r.body.connections as Array<{ id: string }>);

  it.each([
    ['a colleague of the organization', () => bob, 'bob-calendar@example.com'],
    ['someone outside the organization', () => mallory, 'mallory-calendar@example.com'],
  ])('a link forwarded to %s connects nothing, for either of them', async (_who, tokenOf, theirAccount) => {
    const before = await rowCounts(stack);
    // Alice starts connecting and forwards the link; the recipient consents with their own account.
    const { code, state } = await consentThroughApi(stack, { token: alice, provider: 'google', email: theirAccount });
    const exchangesBefore = stack.google.requests().filter((r) => r.path === '/token').length;

    const refused = await complete(tokenOf(), { provider: 'google', code, state });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('oauth_state_mismatch');
    // The code was never exchanged, and the state is spent: Alice cannot complete with a leaked code later.
    expect(stack.google.requests().filter((r) => r.path === '/token').length).toBe(exchangesBefore);
    const late = await complete(alice, { provider: 'google', code, state });
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('invalid_state');

    const after = await rowCounts(stack);
    expect({ ...after, states: before.states }).toEqual(before);
    expect(await connectionsOf(alice)).toEqual([]);
    expect(await connectionsOf(tokenOf())).toEqual([]);
  });

  it('one address, two users: the second is refused while the first is connected, and starts clean afterwards', async () => {
    const email = 'shared-desk@example.com';
    stack.google.ensureAccount(email);
    stack.google.seedEvent(email, {
      title: 'Board meeting (private to whoever connected first)',
      start: { kind: 'dateTime', dateTime: new Date(Date.now() + 86_400_000).toISOString(), timeZone: 'UTC' },
      end: { kind: 'dateTime', dateTime: new Date(Date.now() + 90_000_000).toISOString(), timeZone: 'UTC' },
    });
    const first = await connectThroughApi(stack, { token: alice, provider: 'google', email });
    await eventually(
      () => stack.deps.db.calendarEvent.count({ where: { connectionId: first.connectionId } }),
      (n) => n > 0,
      "alice's first sync",
    );

    // Bob consents with the same account: refused, his tokens given back, nothing of Alice's visible to him.
    const { code, state } = await consentThroughApi(stack, { token: bob, provider: 'google', email });
    const refused = await complete(bob, { provider: 'google', code, state });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('account_in_use');
    expect(await connectionsOf(bob)).toEqual([]);
    expect((await call(stack, 'GET', '/v1/events', { token: bob })).body.events).toEqual([]);

    // Alice disconnects; Bob connects the address: a connection of his own, not Alice's row and data.
    expect((await call(stack, 'DELETE', `/v1/connections/${first.connectionId}`, { token: alice })).status).toBe(202);
    await eventually(
      () => stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: first.connectionId } }),
      (row) => row.status === 'disconnected',
      'disconnect',
    );
    const aliceEvents = await stack.deps.db.calendarEvent.findMany({ where: { connectionId: first.connectionId }, select: { id: true } });
    const second = await connectThroughApi(stack, { token: bob, provider: 'google', email });
    expect(second.connectionId).not.toBe(first.connectionId);
    const oldRow = await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: first.connectionId } });
    expect(oldRow).toMatchObject({ userId: 'alice', status: 'disconnected' });
    // Alice's synced rows stay with her disconnected connection (until the cleanup deletes them).
    expect(aliceEvents.length).toBeGreaterThan(0);
    expect(
      await stack.deps.db.calendarEvent.count({
        where: { id: { in: aliceEvents.map((row) => row.id) }, connectionId: first.connectionId },
      }),
    ).toBe(aliceEvents.length);
    const listed = await call(stack, 'GET', '/v1/events', { token: bob });
    for (const event of listed.body.events) expect(event.connectionId).toBe(second.connectionId);
  });

  it('an address that now belongs to another account is a new connection, and cannot reconnect the old one', async () => {
    const email = 'reused-address@example.com';
    const first = await connectThroughApi(stack, { token: alice, provider: 'microsoft', email });
    const original = await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: first.connectionId } });
    expect(original.externalAccountId).toMatch(/^[0-9a-f-]+\/[0-9a-f-]+$/);

    // The mailbox is deleted and the address given to a new one (a new object id).
    stack.microsoft.recreateAccount(email);
    const reconnect = await call(stack, 'POST', `/v1/connections/${first.connectionId}/reconnect`, { token: alice });
    const { code, state } = await stack.microsoft.authorize(reconnect.body.authorizationUrl, email);
    const mismatch = await complete(alice, { provider: 'microsoft', code, state });
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.error.code).toBe('account_mismatch');

    const fresh = await connectThroughApi(stack, { token: alice, provider: 'microsoft', email });
    expect(fresh.connectionId).not.toBe(first.connectionId);
    const row = await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: fresh.connectionId } });
    expect(row.externalAccountId).not.toBe(original.externalAccountId);
    expect(row.externalAccountEmail).toBe(email);
  });

  it('a Google consent without the calendar permission is refused naming it, and leaves nothing to reconnect', async () => {
    const email = 'unticked@example.com';
    stack.google.ensureAccount(email);
    stack.google.declineScopes(email, [EVENTS_SCOPE]);
    const before = await rowCounts(stack);
    const { code, state } = await consentThroughApi(stack, { token: alice, provider: 'google', email });
    const refused = await complete(alice, { provider: 'google', code, state });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('missing_permissions');
    expect(refused.body.error.message).toContain(EVENTS_SCOPE);
    expect(refused.body.error.details).toEqual([{ field: 'scope', message: expect.stringContaining(EVENTS_SCOPE) }]);
    const after = await rowCounts(stack);
    expect({ ...after, states: before.states }).toEqual(before);
    // The partial grant was given back to Google.
    expect(stack.google.requests().some((r) => r.path === '/revoke' && r.status === 200)).toBe(true);

    // Allowing everything next time connects.
    stack.google.declineScopes(email, []);
    const { connectionId } = await connectThroughApi(stack, { token: alice, provider: 'google', email });
    expect(connectionId).toEqual(expect.any(String));
  });

  it('a connection made before accounts had a subject is adopted by its owner, and still refused to anyone else', async () => {
    const email = 'legacy-owner@example.com';
    await stack.deps.db.organization.upsert({ where: { id: 'acme' }, create: { id: 'acme' }, update: {} });
    const legacy = await stack.deps.db.calendarConnection.create({
      data: { organizationId: 'acme', userId: 'alice', provider: 'google', externalAccountEmail: email },
    });
    const { code, state } = await consentThroughApi(stack, { token: bob, provider: 'google', email });
    expect((await complete(bob, { provider: 'google', code, state })).body.error.code).toBe('account_in_use');
    const adopted = await connectThroughApi(stack, { token: alice, provider: 'google', email });
    expect(adopted.connectionId).toBe(legacy.id);
    const row = await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: legacy.id } });
    expect(row.externalAccountId).toEqual(expect.any(String));
    expect(row.liveAccountKey).toBe(`acme|google|${row.externalAccountId}`);
  });
});
