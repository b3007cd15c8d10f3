// Graph lifecycle notifications (learn.microsoft.com/graph/webhooks-lifecycle): `reauthorizationRequired`
// (renew the subscription now or it stops), `subscriptionRemoved` (Graph deleted it: create a new one) and
// `missed` (notifications were dropped: sync). "If you ignore these events, it might break the change
// notification flow." The webhook checks each one like a change notification (services/push-intake.ts) and
// hands it to the connection's workflow, which acts on it at once (workflows/connection: pushLifecycle).
import type { ConnectionWorkflowClient } from '../clients/connection-workflow';
import type { PushMessage } from '../providers/types';
import { pushLifecycleSignal, type PushLifecycleNotice } from '../workflows/connection/messages';
import type { ServiceDependencies } from './dependencies';

export interface LifecycleNotice extends PushLifecycleNotice {
  connectionId: string;
}

export function lifecycleNotice(connectionId: string, item: Extract<PushMessage, { kind: 'lifecycle' }>): LifecycleNotice {
  return { connectionId, channelId: item.channelId, event: item.event };
}

/** Signals each notice to its connection's workflow (one that is not running picks the channel up when it starts). */
export async function forwardLifecycleNotices(
  { workflows, logger }: Pick<ServiceDependencies, 'logger'> & { workflows: ConnectionWorkflowClient },
  notices: LifecycleNotice[],
): Promise<void> {
  for (const { connectionId, channelId, event } of notices) {
    try {
      await workflows.signalIfRunning(connectionId, pushLifecycleSignal, { channelId, event });
      logger.info({ connectionId, event }, 'webhook: Graph lifecycle notification forwarded');
    } catch (error) {
      // The periodic renewal and sync are the safety net; Graph must not retry-storm us over it.
      logger.warn({ connectionId, event, err: { name: (error as Error).name } }, 'webhook: lifecycle signal failed');
    }
  }
}
