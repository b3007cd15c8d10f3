// A worker process killed (SIGKILL) while it runs a meeting request: the caller still gets its meeting (201,
// not the API's 503 after its 30 s update deadline), because interactive writes heartbeat with a short
// timeout and another worker retries the activity at once (workflows/connection/activities.ts); and the
// meeting exists exactly once at the provider and in the database, because the schedule activity is
// idempotent by its request id (the same client-chosen event id at Google, the row unique per request).
import { call, connectThroughApi, eventually, tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';
import { connectionWorkflowId } from '../../workflows/connection/messages';

describe('a worker killed mid meeting request', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers 201 from another worker, and the meeting exists once', async () => {
    const token = await tokenFor(stack, 'acme', 'alice');
    const email = 'killed-mid-meeting@example.com';
    const { connectionId } = await connectThroughApi(stack, { token, provider: 'google', email });
    await eventually(
      () => call(stack, 'GET', `/v1/connections/${connectionId}`, { token }),
      (r) => r.body.lastSync?.outcome === 'ok',
      'first sync',
      60_000,
    );

    // Only the worker process runs tasks now, so it is the one that takes the meeting request.
    await stack.stopWorker();
    const doomed = await stack.startWorkerProcess();
    try {
      // The provider takes its time with the create, so the process is still inside the activity when it dies.
      stack.google.injectFault({ kind: 'slow', delayMs: 4_000, count: 1, pathIncludes: '/events' });
      const title = 'Survives a dead worker';
      const answer = call(stack, 'POST', `/v1/connections/${connectionId}/meetings`, {
        token,
        headers: { 'idempotency-key': 'worker-dies-0001' },
        body: { title, start: new Date(Date.now() + 2 * 86_400_000).toISOString(), durationMinutes: 30 },
      });
      const handle = stack.temporal.workflow.getHandle(connectionWorkflowId(connectionId));
      await eventually(
        async () => (await handle.describe()).raw.pendingActivities ?? [],
        (activities) => activities.some((activity) => activity.activityType?.name === 'scheduleMeeting' && activity.lastStartedTime),
        'the meeting activity running in the worker process',
        60_000,
      );
      // A second worker is running when the first one dies in the middle of the activity.
      await stack.startWorker();
      await doomed.kill();

      const response = await answer;
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ durationMinutes: 30, eventId: expect.any(String) });
      // The killed attempt's create may still land at the fake after its delay: give it the time, then count.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect(stack.google.listEvents(email).filter((event) => event.title === title)).toHaveLength(1);
      expect(await stack.deps.db.calendarEvent.count({ where: { connectionId, title } })).toBe(1);
    } finally {
      await doomed.kill();
    }
  });
});
