// The mass-delete breaker on the real stack: a sync that would delete more than half of a calendar of at
// least 20 events, or a full read that comes back empty while events are stored, deletes nothing; the
// connection reports `needs_attention` with the numbers, and its owner or an admin confirms (the events are
// marked deleted, recorded as the operator's) or dismisses (they stay) through the API. Small deletions go
// through as before.
import { PERMISSIONS } from '../../api/auth/permissions';
import { call, tokenFor } from '../api/api-client';
import { recordHistoriesIfAsked } from '../helpers/histories';
import { startTestStack, type TestStack } from '../helpers/stack';
import { connect, timed } from './fidelity-helpers';

describe('mass-delete breaker', () => {
  let stack: TestStack;
  let owner: string;

  beforeAll(async () => {
    stack = await startTestStack();
    owner = await tokenFor(stack, 'acme', 'otto');
  });
  afterAll(async () => {
    try {
      if (stack) await recordHistoriesIfAsked(stack, 'fidelity-mass-delete');
    } finally {
      await stack?.close();
    }
  });

  const liveCount = (connectionId: string) => stack.deps.db.calendarEvent.count({ where: { connectionId, status: { not: 'cancelled' } } });
  const resolve = (token: string, connectionId: string, calendarId: string, decision: 'confirm' | 'dismiss') =>
    call(stack, 'POST', `/v1/connections/${connectionId}/held-deletions/${encodeURIComponent(calendarId)}`, { token, body: { decision } });

  it('google: deleting 20 of 30 events at once is held for the owner, who confirms it', async () => {
    const email = 'breaker-google@example.com';
    const calendarId = stack.google.ensureAccount(email);
    const ids = stack.google.seedEvents(
      email,
      Array.from({ length: 30 }, (_, n) => timed(`Event ${n}`, 24 + n)),
    );
    const connection = await connect(stack, { token: owner, provider: 'google', email });
    expect(await liveCount(connection.connectionId)).toBe(30);

    // A small deletion goes straight through.
    stack.google.deleteEventAsProvider(email, ids[0]!);
    expect((await connection.sync()).health).toBe('active');
    expect(await liveCount(connection.connectionId)).toBe(29);

    for (const id of ids.slice(1, 21)) stack.google.deleteEventAsProvider(email, id);
    const status = await connection.sync();
    expect(status.health).toBe('needs_attention');
    expect(status.heldDeletions).toEqual([expect.objectContaining({ calendarId, pending: 20, stored: 29, reason: 'share' })]);
    expect(await liveCount(connection.connectionId)).toBe(29);
    const view = await connection.view();
    expect(view).toMatchObject({ status: 'needs_attention', health: 'needs_attention' });
    expect(view.heldDeletions[0]).toMatchObject({ pending: 20, stored: 29 });

    // More syncs change nothing while it is held.
    expect((await connection.sync()).health).toBe('needs_attention');
    expect(await liveCount(connection.connectionId)).toBe(29);

    const answer = await resolve(owner, connection.connectionId, calendarId, 'confirm');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ calendarId, decision: 'confirm', events: 20, heldDeletions: [] });
    expect(await liveCount(connection.connectionId)).toBe(9);
    expect((await connection.status()).health).toBe('active');
    const gone = await stack.deps.db.calendarEvent.findFirstOrThrow({
      where: { connectionId: connection.connectionId, externalEventId: ids[5]! },
    });
    const history = await stack.deps.db.eventChange.findMany({ where: { eventId: gone.id }, orderBy: { createdAt: 'asc' } });
    expect(history.at(-1)).toMatchObject({ source: 'operator', actor: 'otto' });

    // Nothing is held any more.
    const again = await resolve(owner, connection.connectionId, calendarId, 'confirm');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('no_held_deletions');
  });

  it('microsoft: a full read that comes back empty deletes nothing; an admin dismisses it', async () => {
    const email = 'breaker-microsoft@example.com';
    const calendarId = stack.microsoft.ensureAccount(email);
    const ids = stack.microsoft.seedEvents(
      email,
      Array.from({ length: 25 }, (_, n) => timed(`Item ${n}`, 24 + n)),
    );
    const connection = await connect(stack, { token: owner, provider: 'microsoft', email });
    expect(await liveCount(connection.connectionId)).toBe(25);

    // The provider forgets the sync state and lists nothing (everything deleted, or an outage answered empty).
    for (const id of ids) stack.microsoft.deleteEventAsProvider(email, id);
    stack.microsoft.expireSyncCursors(email);
    const status = await connection.sync();
    expect(status.health).toBe('needs_attention');
    expect(status.heldDeletions).toEqual([expect.objectContaining({ calendarId, pending: 25, stored: 25, reason: 'empty_listing' })]);
    expect(await liveCount(connection.connectionId)).toBe(25);

    // Another user of the organization may not decide; an admin may, the owner without the permission may not.
    const stranger = await tokenFor(stack, 'acme', 'sam', [PERMISSIONS.connect]);
    expect((await resolve(stranger, connection.connectionId, calendarId, 'dismiss')).status).toBe(404);
    const viewOnly = await tokenFor(stack, 'acme', 'otto', [PERMISSIONS.view]);
    expect((await resolve(viewOnly, connection.connectionId, calendarId, 'dismiss')).status).toBe(403);
    const admin = await tokenFor(stack, 'acme', 'ada', [PERMISSIONS.admin]);
    const answer = await resolve(admin, connection.connectionId, calendarId, 'dismiss');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ decision: 'dismiss', events: 25, heldDeletions: [] });
    expect(await liveCount(connection.connectionId)).toBe(25);
    expect((await connection.status()).health).toBe('active');

    const invalid = await call(stack, 'POST', `/v1/connections/${connection.connectionId}/held-deletions/${calendarId}`, {
      token: owner,
      body: { decision: 'maybe' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details[0]).toMatchObject({ field: 'body.decision', message: 'must be confirm or dismiss' });
  });
});
