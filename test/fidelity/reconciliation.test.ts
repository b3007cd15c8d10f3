// The daily reconciliation's work on the real stack (the production Google adapter against the fake, the
// real database): a full read compared with the stored rows repairs what drifted (a changed row, a missing
// one, one the provider no longer has), records each repair in the event's history as the reconciliation's,
// and never mass-deletes (the breaker holds it). When it runs is the workflow's (test/workflows/timers).
import { syncConnection } from '../../services/connection/sync/sync-connection';
import { tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';
import { connect, timed } from './fidelity-helpers';

describe('daily reconciliation', () => {
  let stack: TestStack;
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack();
    token = await tokenFor(stack, 'acme', 'rita');
  });
  afterAll(async () => {
    await stack?.close();
  });

  const reconcile = (connectionId: string) =>
    syncConnection(stack.deps, { connectionId, reminderHorizonMinutes: 60, reconcile: true }, { afterPage: () => undefined });

  /** A row the provider never had: what drift leaves behind. */
  const phantom = async (connectionId: string, calendarId: string, n: number) =>
    stack.deps.db.calendarEvent.create({
      data: {
        organizationId: 'acme',
        connectionId,
        externalCalendarId: calendarId,
        externalEventId: `phantom${n}`,
        contentHash: `phantom-${n}`,
        syncDirection: 'inbound',
        status: 'confirmed',
        title: `Phantom ${n}`,
        startAt: new Date(Date.now() + 86_400_000),
        endAt: new Date(Date.now() + 90_000_000),
      },
    });

  it('repairs a drifted row, restores a missing one, removes one the provider does not have, and says so', async () => {
    const email = 'drift@example.com';
    const calendarId = stack.google.ensureAccount(email);
    stack.google.seedEvents(email, [timed('Alpha', 30), timed('Bravo', 31), timed('Charlie', 32), timed('Delta', 33), timed('Echo', 34)]);
    const { connectionId } = await connect(stack, { token, provider: 'google', email });
    const db = stack.deps.db;
    const row = (title: string) => db.calendarEvent.findFirst({ where: { connectionId, title } });

    const bravo = (await row('Bravo'))!;
    await db.calendarEvent.update({ where: { id: bravo.id }, data: { title: 'Bravo (drifted)', contentHash: 'drifted' } });
    const charlie = (await row('Charlie'))!;
    await db.calendarEvent.delete({ where: { id: charlie.id } });
    const ghost = await phantom(connectionId, calendarId, 1);

    const result = await reconcile(connectionId);
    expect(result.reconciled).toMatchObject({ calendars: 1, repaired: 3 });
    expect((await row('Bravo'))?.title).toBe('Bravo');
    expect(await row('Charlie')).not.toBeNull();
    expect((await db.calendarEvent.findUniqueOrThrow({ where: { id: ghost.id } })).status).toBe('cancelled');
    // Each repair is in the history, as the reconciliation's.
    const sources = await db.eventChange.findMany({ where: { eventId: { in: [bravo.id, ghost.id, (await row('Charlie'))!.id] } } });
    expect(sources.filter((change) => change.source === 'reconciliation')).toHaveLength(3);
    expect((await db.connectionCalendar.findFirstOrThrow({ where: { connectionId } })).lastReconciledAt).not.toBeNull();

    // A second reconciliation finds nothing to repair.
    expect((await reconcile(connectionId)).reconciled).toMatchObject({ repaired: 0 });
  });

  it('never mass-deletes: rows the full read does not find, in numbers, are held for an operator', async () => {
    const email = 'drift-mass@example.com';
    const calendarId = stack.google.ensureAccount(email);
    stack.google.seedEvent(email, timed('Real one', 30));
    const { connectionId } = await connect(stack, { token, provider: 'google', email });
    for (let n = 0; n < 25; n++) await phantom(connectionId, calendarId, 100 + n);

    const result = await reconcile(connectionId);
    expect(result.heldDeletions).toEqual([expect.objectContaining({ calendarId, pending: 25, stored: 26, reason: 'share' })]);
    expect(await stack.deps.db.calendarEvent.count({ where: { connectionId, status: { not: 'cancelled' } } })).toBe(26);
  });
});
