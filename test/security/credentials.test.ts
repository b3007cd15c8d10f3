// Credentials end to end: an organization's own Google OAuth client is used by new connections only (and
// keeps working for the connections made with it after it is deactivated); its secret is write-only; and a
// tampered token ciphertext fails loudly (the connection shows a vault error) instead of sending garbage.
import { randomBytes } from 'node:crypto';
import { connectionWorkflowId, statusQuery, syncNowSignal } from '../../workflows/connection/messages';
import { call, connectThroughApi, tokenFor } from '../api/api-client';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

describe('OAuth clients and credential integrity', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const status = (connectionId: string) => stack.temporal.workflow.getHandle(connectionWorkflowId(connectionId)).query(statusQuery);
  const syncedAfter = (connectionId: string, since: number) =>
    waitFor(
      () => status(connectionId),
      (s) => s.lastSync?.outcome === 'ok' && Date.parse(s.lastSync.at) >= since,
      { what: 'a sync' },
    );

  it("uses the organization's own Google client for new connections only", async () => {
    const org = 'byo-org';
    const admin = await tokenFor(stack, org, 'byo-admin');
    const user = await tokenFor(stack, org, 'byo-user');
    const viewer = await stack.signToken({ org, user: 'byo-viewer', permissions: ['ce.calendar.view'] });
    const client = {
      clientId: `byo-${randomBytes(4).toString('hex')}.apps.googleusercontent.com`,
      clientSecret: `byo-${randomBytes(20).toString('hex')}`,
    };
    stack.google.registerClient(client.clientId, client.clientSecret);

    const before = await connectThroughApi(stack, { token: user, provider: 'google', email: 'byo-before@example.com' });
    expect((await call(stack, 'PUT', '/v1/oauth-clients/google', { token: viewer, body: client })).status).toBe(403);
    const put = await call(stack, 'PUT', '/v1/oauth-clients/google', { token: admin, body: client });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ provider: 'google', clientId: client.clientId, active: true });
    expect(put.text).not.toContain(client.clientSecret);
    const stored = await stack.deps.db.oAuthClient.findUniqueOrThrow({ where: { id: put.body.id } });
    expect(await stack.deps.vault.get(stored.clientSecretCredentialId)).toBe(client.clientSecret);

    const after = await connectThroughApi(stack, { token: user, provider: 'google', email: 'byo-after@example.com' });
    const rows = await stack.deps.db.calendarConnection.findMany({ where: { id: { in: [before.connectionId, after.connectionId] } } });
    expect(rows.find((r) => r.id === before.connectionId)!.oauthClientId).toBeNull();
    expect(rows.find((r) => r.id === after.connectionId)!.oauthClientId).toBe(put.body.id);
    const listed = await call(stack, 'GET', '/v1/connections', { token: user });
    const byId = Object.fromEntries(listed.body.connections.map((c: { id: string; oauthClient: string }) => [c.id, c.oauthClient]));
    expect(byId).toEqual({ [before.connectionId]: 'platform_default', [after.connectionId]: 'organization' });

    const clients = await call(stack, 'GET', '/v1/oauth-clients', { token: admin });
    expect(clients.body.clients).toEqual([
      expect.objectContaining({ id: put.body.id, clientId: client.clientId, active: true, connections: 1 }),
    ]);
    expect(clients.text).not.toContain(client.clientSecret);
    expect(stack.logs.join('\n')).not.toContain(client.clientSecret);

    // Deactivated: the next connection is on the platform default; the BYO connection still refreshes.
    expect((await call(stack, 'DELETE', '/v1/oauth-clients/google', { token: admin })).body).toEqual({
      provider: 'google',
      deactivated: 1,
    });
    const later = await connectThroughApi(stack, { token: user, provider: 'google', email: 'byo-later@example.com' });
    expect((await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: later.connectionId } })).oauthClientId).toBeNull();
    await syncedAfter(after.connectionId, 0);
    const since = Date.now();
    stack.google.expireAccessTokens('byo-after@example.com');
    await stack.temporal.workflow.getHandle(connectionWorkflowId(after.connectionId)).signal(syncNowSignal);
    await syncedAfter(after.connectionId, since);
    expect((await status(after.connectionId)).health).toBe('active');
  });

  it('a tampered token ciphertext fails loudly: the connection shows a vault error', async () => {
    const user = await tokenFor(stack, 'tamper-org', 'tamper-user');
    const { connectionId } = await connectThroughApi(stack, { token: user, provider: 'google', email: 'tamper@example.com' });
    await syncedAfter(connectionId, 0);
    // The push channel is made just after the first sync, with the token as it was: wait for it, so that the
    // only provider request after the tampering would be one made with the garbled token.
    await waitFor(
      () => stack.deps.db.pushChannel.count({ where: { connectionId, status: 'active' } }),
      (count) => count > 0,
      { what: 'push channel' },
    );
    const row = await stack.deps.db.calendarConnection.findUniqueOrThrow({ where: { id: connectionId } });
    const credential = await stack.deps.db.credential.findUniqueOrThrow({ where: { id: row.accessTokenCredentialId! } });
    const ciphertext = new Uint8Array(credential.ciphertext);
    ciphertext[0] = ciphertext[0]! ^ 0xff;
    await stack.deps.db.credential.update({ where: { id: credential.id }, data: { ciphertext } });

    stack.google.clearRequests();
    await stack.temporal.workflow.getHandle(connectionWorkflowId(connectionId)).signal(syncNowSignal);
    const failed = await waitFor(
      () => status(connectionId),
      (s) => s.health === 'error',
      { what: 'vault error shown' },
    );
    expect(failed.lastError?.code).toBe('vault_tampered');
    // Nothing was sent to the provider with a garbled token.
    expect(stack.google.requests().filter((r) => !r.path.includes('/token'))).toEqual([]);
    const view = await call(stack, 'GET', `/v1/connections/${connectionId}`, { token: user });
    expect(view.body).toMatchObject({ health: 'error', lastError: expect.objectContaining({ code: 'vault_tampered' }) });
  });
});
