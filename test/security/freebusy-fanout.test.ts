// Free/busy fans out over the users' connections with bounded concurrency, on the real stack: twelve users
// asked at once never make more than FREEBUSY_CONCURRENCY provider calls at a time, and every user is answered.
import { FREEBUSY_CONCURRENCY } from '../../api/routes/freebusy';
import { call, connectThroughApi, eventually, tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';

const USERS = 12;

describe('free/busy fan-out', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it(`asks at most ${FREEBUSY_CONCURRENCY} connections at once`, async () => {
    const users = Array.from({ length: USERS }, (_, i) => `fanout-${i}`);
    for (const user of users) {
      const token = await tokenFor(stack, 'acme', user);
      const { connectionId } = await connectThroughApi(stack, { token, provider: 'google', email: `${user}@example.com` });
      await eventually(
        () => stack.workflows.status(connectionId),
        (status) => status?.lastSync?.outcome === 'ok',
        'first sync',
      );
    }
    // Count the provider calls in flight (the worker runs the adapter in this process), each held a moment.
    const adapter = stack.deps.providers.get('google').adapter;
    const original = adapter.freeBusy.bind(adapter);
    let inFlight = 0;
    let most = 0;
    adapter.freeBusy = async (auth, input) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return await original(auth, input);
      } finally {
        inFlight -= 1;
      }
    };
    try {
      const manager = await tokenFor(stack, 'acme', 'manager');
      // Past what sync keeps (a year ahead): every connection is asked at its provider, none from its rows.
      const from = new Date(Date.now() + 400 * 86_400_000).toISOString();
      const to = new Date(Date.now() + 407 * 86_400_000).toISOString();
      const answer = await call(stack, 'POST', '/v1/freebusy', { token: manager, body: { userIds: users, from, to } });
      expect(answer.status).toBe(200);
      expect(answer.body.users).toHaveLength(USERS);
      for (const user of answer.body.users) expect(user.errors).toEqual([]);
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(FREEBUSY_CONCURRENCY);
    } finally {
      adapter.freeBusy = original;
    }
  });
});
