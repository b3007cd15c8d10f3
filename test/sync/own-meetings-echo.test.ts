// Our own meetings and the change listing (services/connection/sync/reconcile.ts): a meeting the provider
// deleted before any listing returned it is looked up at the provider and recorded as deleted; once a listing
// has returned it (its echo), a later deletion is listed like any other, so no pass looks it up again. Each
// lookup is a provider call against the user's quota: before the echo was recorded, every pass looked up every
// meeting of the last five minutes again.
import { call, tokenFor } from '../api/api-client';
import { connectWithPushStopped } from '../helpers/push';
import { startTestStack, type TestStack } from '../helpers/stack';

const HOUR = 3_600_000;

describe('our own meetings and the change listing', () => {
  let stack: TestStack;
  let token: string;
  let keys = 0;

  beforeAll(async () => {
    stack = await startTestStack({ env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
    token = await tokenFor(stack, 'acme', 'alice');
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function schedule(connectionId: string, title: string): Promise<{ id: string; externalEventId: string }> {
    const start = new Date(Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR).toISOString();
    const response = await call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, {
      token,
      body: { title, start, durationMinutes: 30 },
      headers: { 'idempotency-key': `own-meeting-echo-${String(++keys).padStart(4, '0')}` },
    });
    expect([response.status, response.body]).toEqual([201, expect.anything()]);
    return response.body;
  }

  /** A new account of `provider`, connected, its first sync done and push stopped: passes run when `sync()` asks. */
  async function connect(provider: 'google' | 'microsoft', name: string) {
    const fake = provider === 'google' ? stack.google : stack.microsoft;
    const email = `${name}-${provider}@example.com`;
    fake.ensureAccount(email);
    return { fake, email, ...(await connectWithPushStopped(stack, { token, provider, email })) };
  }

  /** Single-event reads (events.get, GET /me/events/{id}): the lookups of a pass, not its listing. */
  const eventLookups = (fake: TestStack['google'] | TestStack['microsoft']) =>
    fake.requests().filter((request) => request.method === 'GET' && /\/events\/[^/]+$/.test(request.path));

  it.each(['google', 'microsoft'] as const)('%s: a pass after the echo asks the provider about none of them', async (provider) => {
    const { fake, email, connectionId, sync } = await connect(provider, 'echo');
    const meetings = [];
    for (const title of ['First', 'Second', 'Third']) meetings.push(await schedule(connectionId, title));

    const outbound = () =>
      stack.deps.db.calendarEvent.findMany({ where: { connectionId, syncDirection: 'outbound' }, orderBy: { id: 'asc' } });
    const scheduled = await outbound();
    await sync();
    const rows = await outbound();
    expect(rows).toHaveLength(3);
    expect(rows.every((row) => row.echoedAt !== null)).toBe(true);
    // Bookkeeping, not an edit: the rows read as unchanged (updatedAt is what the API and the feeds show).
    expect(rows.map((row) => row.updatedAt)).toEqual(scheduled.map((row) => row.updatedAt));

    fake.clearRequests();
    await sync();
    expect(eventLookups(fake)).toEqual([]);

    // Deleted in the calendar after the echo: the listing says so, without a lookup.
    fake.deleteEventAsProvider(email, meetings[0]!.externalEventId);
    await sync();
    expect(eventLookups(fake)).toEqual([]);
    const deleted = await stack.deps.db.calendarEvent.findFirstOrThrow({
      where: { connectionId, externalEventId: meetings[0]!.externalEventId },
    });
    expect(deleted.status).toBe('cancelled');
  });

  it.each(['google', 'microsoft'] as const)(
    '%s: a meeting deleted before any listing returned it is looked up and recorded as deleted',
    async (provider) => {
      const { fake, email, connectionId, sync } = await connect(provider, 'unechoed');
      const meeting = await schedule(connectionId, 'Gone before the next pass');
      fake.deleteEventAsProvider(email, meeting.externalEventId);

      await sync();
      const row = await stack.deps.db.calendarEvent.findFirstOrThrow({ where: { connectionId, externalEventId: meeting.externalEventId } });
      expect(row.status).toBe('cancelled');
      expect(row.echoedAt).toBeNull();
    },
  );
});
