// The first vertical slice: an API call starts a workflow for a database row, the worker's activity writes
// to the database, and the API reads the result through a workflow query. Plus /healthz.
import http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

describe('platform', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const authorized = async (permissions = ['ce.calendar.admin']) => ({
    authorization: `Bearer ${await stack.signToken({ org: 'acme', user: 'operator', permissions })}`,
  });

  it('tells outsiders up or down only on /healthz, and a caller with a token each dependency', async () => {
    const outsider = await fetch(`${stack.apiUrl}/healthz`);
    expect(outsider.status).toBe(200);
    expect(await outsider.json()).toEqual({ status: 'ok' });
    const forged = await fetch(`${stack.apiUrl}/healthz`, { headers: { authorization: 'Bearer a.b.c' } });
    expect(await forged.json()).toEqual({ status: 'ok' });
    const response = await fetch(`${stack.apiUrl}/healthz`, { headers: await authorized() });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      dependencies: { database: { status: 'up' }, temporal: { status: 'up' } },
    });
  });

  it('answers 503 naming Temporal when it is unreachable', async () => {
    // The same app, but with a Temporal client pointed at a port nobody listens on.
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    const app = await createApp({ ...stack.deps, temporal: new Client({ connection, dataConverter: stack.deps.dataConverter }) });
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    try {
      const outsider = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(outsider.status).toBe(503);
      expect(await outsider.json()).toEqual({ status: 'degraded' });
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: await authorized() });
      expect(response.status).toBe(503);
      const body = (await response.json()) as { dependencies: Record<string, { status: string }> };
      expect(body.dependencies.database!.status).toBe('up');
      expect(body.dependencies.temporal!.status).toBe('down');
    } finally {
      server.close();
    }
  });

  it('round-trips a probe: API -> workflow -> activity -> database -> query', async () => {
    const headers = await authorized();
    const started = await fetch(`${stack.apiUrl}/v1/diagnostics/probes`, { method: 'POST', headers });
    expect(started.status).toBe(202);
    const { probeId } = (await started.json()) as { probeId: string };

    const status = await waitFor(
      async () =>
        (await fetch(`${stack.apiUrl}/v1/diagnostics/probes/${probeId}`, { headers })).json() as Promise<{
          state: string;
          workerId?: string;
        }>,
      (body) => body.state === 'completed',
      { what: 'probe completion' },
    );
    expect(status.workerId).toContain(String(process.pid));
    const row = await stack.deps.db.diagnosticProbe.findUniqueOrThrow({ where: { id: probeId } });
    expect(row.completedAt).not.toBeNull();
  });

  it('keeps diagnostics to holders of ce.calendar.admin', async () => {
    const viewer = await authorized(['ce.calendar.view', 'ce.calendar.view-all', 'ce.calendar.connect']);
    const refused = await fetch(`${stack.apiUrl}/v1/diagnostics/probes`, { method: 'POST', headers: viewer });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('ce.calendar.admin');
    expect((await fetch(`${stack.apiUrl}/v1/diagnostics/probes/00000000-0000-4000-8000-000000000000`, { headers: viewer })).status).toBe(
      403,
    );
  });

  it('answers 404 for an unknown probe and 400 for a malformed id', async () => {
    const headers = await authorized();
    expect((await fetch(`${stack.apiUrl}/v1/diagnostics/probes/00000000-0000-4000-8000-000000000000`, { headers })).status).toBe(404);
    const bad = await fetch(`${stack.apiUrl}/v1/diagnostics/probes/not-a-uuid`, { headers });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error.message).toMatch(/^params\.probeId/);
  });
});
