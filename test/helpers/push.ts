// Tests that need a calendar-side change to stay unsynced until they ask (to make a conflict
// deterministic) stop the connection's push channels. The workflow creates them after its first sync, so
// this waits until they exist first; stopping earlier races their creation.
import { stopPushChannels } from '../../services/connection/push-channels';
import { connectionWorkflowId, statusQuery, syncNowSignal } from '../../workflows/connection/messages';
import { connectThroughApi } from '../api/api-client';
import type { TestStack } from './stack';
import { waitFor } from './wait';

export async function stopCalendarPush(stack: TestStack, connectionId: string): Promise<void> {
  const handle = stack.temporal.workflow.getHandle(connectionWorkflowId(connectionId));
  await waitFor(
    () => handle.query(statusQuery),
    (status) => !!status.pushChannelExpiresAt,
    { what: 'push channels created' },
  );
  await stopPushChannels(stack.deps, connectionId);
}

/**
 * Connects `email` through the API, waits for the first sync and stops push: calendar-side changes then
 * wait for `sync()`, which signals syncNow and resolves with the status once a sync after the call finished.
 */
export async function connectWithPushStopped(stack: TestStack, input: { token: string; provider: 'google' | 'microsoft'; email: string }) {
  const { connectionId } = await connectThroughApi(stack, input);
  const handle = stack.temporal.workflow.getHandle(connectionWorkflowId(connectionId));
  await waitFor(
    () => handle.query(statusQuery),
    (status) => status.lastSync?.outcome === 'ok',
    { what: 'first sync' },
  );
  await stopCalendarPush(stack, connectionId);
  const sync = async () => {
    const before = Date.now();
    await handle.signal(syncNowSignal, { reason: 'manual' });
    return waitFor(
      () => handle.query(statusQuery),
      (status) => !!status.lastSync && Date.parse(status.lastSync.at) >= before,
      { what: 'sync after signal' },
    );
  };
  return { connectionId, handle, sync };
}
