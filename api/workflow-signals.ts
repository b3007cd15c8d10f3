// Signals to a connection's workflow. A workflow that is not running (it failed, or was terminated by an
// operator) is started again through ConnectionService.ensureWorkflow and then signalled, so "sync now"
// and "disconnect" never get lost for a live connection row.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/workflow';
import type { CalendarConnectionModel } from '../db/client';
import { connectionWorkflowId } from '../workflows/connection/messages';
import type { ApiContext } from './dependencies';

export async function signalConnection<Args extends unknown[]>(
  ctx: ApiContext,
  row: CalendarConnectionModel,
  signal: SignalDefinition<Args>,
  ...args: Args
): Promise<void> {
  const handle = ctx.temporal.workflow.getHandle(connectionWorkflowId(row.id));
  try {
    await handle.signal(signal, ...args);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    await ctx.connections.ensureWorkflow(
      { connectionId: row.id, organizationId: row.organizationId, userId: row.userId, provider: row.provider as 'google' | 'microsoft' },
      false,
    );
    await handle.signal(signal, ...args);
  }
}
