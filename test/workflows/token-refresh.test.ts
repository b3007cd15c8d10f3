// Proactive token refresh: the connection workflow refreshes shortly (5 min) before the access token
// expires, on its own timer, so provider calls never start with an expired token. The Google fake issues
// tokens that live 303 s here, which puts the refresh 3 s after each issue.
import { statusQuery } from '../../workflows/connection/messages';
import { connectSandboxAccount } from '../helpers/connect';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

describe('token refresh timer', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ googleFake: { accessTokenTtlSeconds: 303 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('refreshes before expiry without any call failing first', async () => {
    const email = 'timer@example.com';
    stack.google.ensureAccount(email);
    const { connectionId, workflowId } = await connectSandboxAccount(stack, { provider: 'google', email });
    const first = await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: connectionId } });
    const refreshed = await waitFor(
      () => stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: connectionId } }),
      (row) => row.tokenExpiresAt!.getTime() > first.tokenExpiresAt!.getTime(),
      { what: 'a proactive refresh', timeoutMs: 20_000 },
    );
    // The refresh came from the timer: no API call was answered 401 on the way.
    expect(stack.google.requests().filter((request) => request.status === 401)).toEqual([]);
    // The new token is in the vault under the same credential ids, and the workflow knows the new expiry.
    expect(refreshed.accessTokenCredentialId).toBe(first.accessTokenCredentialId);
    const status = await waitFor(
      () => stack.temporal.workflow.getHandle(workflowId).query(statusQuery),
      (s) => s.tokenExpiresAt !== undefined && Date.parse(s.tokenExpiresAt) > first.tokenExpiresAt!.getTime(),
    );
    expect(status.health).toBe('active');
  });
});
