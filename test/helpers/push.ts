// Tests that need a calendar-side change to stay unsynced until they ask (to make a conflict
// deterministic) stop the connection's push channels. The workflow creates them after its first sync, so
// this waits until they exist first; stopping earlier races their creation.
import { createConnectionActivities } from '../../activities/connection';
import { connectionWorkflowId, statusQuery } from '../../workflows/connection/messages';
import type { TestStack } from './stack';
import { waitFor } from './wait';

export async function stopCalendarPush(stack: TestStack, connectionId: string): Promise<void> {
  const handle = stack.temporal.workflow.getHandle(connectionWorkflowId(connectionId));
  await waitFor(() => handle.query(statusQuery), (status) => !!status.pushChannelExpiresAt, { what: 'push channels created' });
  await createConnectionActivities({ ...stack.deps, publicUrl: stack.deps.config.publicUrl }).stopPushChannels(connectionId);
}
