// A connection as the API shows it: the database row merged with the workflow's `status` query. A
// workflow that does not answer (not found, no worker, slow) gives null status fields; an unreachable
// Temporal cluster fails the whole request with 503.
import type { Client } from '@temporalio/client';
import type { CalendarConnectionModel as CalendarConnection } from '../db/client';
import { connectionWorkflowId, statusQuery, type ConnectionStatus } from '../workflows/connection/messages';
import { isTemporalUnavailable, temporalUnavailable } from './temporal-errors';
import type { z } from 'zod';
import type { connectionResponse } from './schemas';

/** How long a status query may take before the row is returned without it. */
export const STATUS_QUERY_TIMEOUT_MS = 2_000;

export async function queryStatus(temporal: Client, connectionId: string): Promise<ConnectionStatus | null> {
  try {
    return await temporal.withDeadline(Date.now() + STATUS_QUERY_TIMEOUT_MS, () =>
      temporal.workflow.getHandle(connectionWorkflowId(connectionId)).query(statusQuery),
    );
  } catch (error) {
    if (isTemporalUnavailable(error)) {
      // One workflow not answering is not the cluster being down: ask the cluster itself.
      const up = await temporal
        .withDeadline(Date.now() + 1_000, () => temporal.workflowService.getSystemInfo({}))
        .then(
          () => true,
          () => false,
        );
      if (!up) throw temporalUnavailable();
    }
    return null;
  }
}

export function connectionView(row: CalendarConnection, status: ConnectionStatus | null): z.infer<typeof connectionResponse> {
  return {
    id: row.id,
    provider: row.provider as 'google' | 'microsoft',
    accountEmail: row.externalAccountEmail,
    status: row.status as ConnectionStatus['health'],
    health: status?.health ?? null,
    workflowReachable: status !== null,
    lastSync: status?.lastSync ?? null,
    nextSyncAt: status?.nextSyncAt ?? null,
    lastError: status?.lastError ?? null,
    pushChannelExpiresAt: status?.pushChannelExpiresAt ?? null,
    pendingReminders: status?.pendingReminders ?? null,
    nextReminderAt: status?.nextReminderAt ?? null,
    syncedEvents: status?.syncedEvents ?? null,
    migrationRequired: row.migrationRequired,
    oauthClient: row.oauthClientId ? 'organization' : 'platform_default',
    createdAt: row.createdAt.toISOString(),
    disconnectedAt: row.disconnectedAt?.toISOString() ?? null,
  };
}
