// Shared steps of the provider-fidelity tests: connect through the API, wait for the first sync, sync on
// demand and read the connection as the API shows it.
import { connectionWorkflowId, statusQuery, syncNowSignal, type ConnectionStatus } from '../../workflows/connection/messages';
import { call, connectThroughApi } from '../api/api-client';
import type { TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const HOUR = 3_600_000;

export const inHours = (hours: number) => new Date(Math.floor(Date.now() / HOUR) * HOUR + hours * HOUR).toISOString();

export const timed = (title: string, hours: number, timeZone = 'UTC') => ({
  title,
  start: { kind: 'dateTime' as const, dateTime: inHours(hours), timeZone },
  end: { kind: 'dateTime' as const, dateTime: inHours(hours + 1), timeZone },
});

export interface Connected {
  connectionId: string;
  status(): Promise<ConnectionStatus>;
  /** Signals syncNow and resolves with the status once a sync that started after the call has finished. */
  sync(): Promise<ConnectionStatus>;
  /** The connection as GET /v1/connections/{id} shows it. */
  view(): Promise<any>;
}

export async function connect(
  stack: TestStack,
  input: { token: string; provider: 'google' | 'microsoft'; email: string },
): Promise<Connected> {
  const { connectionId } = await connectThroughApi(stack, input);
  const handle = stack.temporal.workflow.getHandle(connectionWorkflowId(connectionId));
  const status = () => handle.query(statusQuery);
  await waitFor(status, (s) => !!s.lastSync, { what: 'first sync', timeoutMs: 60_000 });
  return {
    connectionId,
    status,
    async sync() {
      const before = Date.now();
      await handle.signal(syncNowSignal, { reason: 'manual' });
      return waitFor(status, (s) => !!s.lastSync && Date.parse(s.lastSync.at) >= before, {
        what: 'a sync after the signal',
        timeoutMs: 60_000,
      });
    },
    async view() {
      return (await call(stack, 'GET', `/v1/connections/${connectionId}`, { token: input.token })).body;
    },
  };
}
