// A connection as the API shows it: the database row merged with its workflow's `status` query (null
// status fields when the workflow did not answer).
import type { z } from 'zod';
import type { CalendarConnectionModel } from '../../db/client';
import type { ConnectionStatus } from '../../workflows/connection/messages';
import type { connectionResponse } from '../schemas';

export function connectionView(row: CalendarConnectionModel, status: ConnectionStatus | null): z.infer<typeof connectionResponse> {
  return {
    id: row.id,
    provider: row.provider as 'google' | 'microsoft',
    accountEmail: row.externalAccountEmail,
    status: row.status as ConnectionStatus['health'],
    health: status?.health ?? null,
    workflowReachable: status !== null,
    syncing: status ? (status.syncing ?? false) : null,
    lastSync: status?.lastSync ?? null,
    nextSyncAt: status?.nextSyncAt ?? null,
    lastError: status?.lastError ?? null,
    pushChannelExpiresAt: status?.pushChannelExpiresAt ?? null,
    pendingReminders: status?.pendingReminders ?? null,
    nextReminderAt: status?.nextReminderAt ?? null,
    syncedEvents: status?.syncedEvents ?? null,
    migrationRequired: row.migrationRequired,
    oauthClient: row.oauthClientId ? 'organization' : 'platform_default',
    managedBy: row.organizationConnectionId ? 'organization' : 'user',
    createdAt: row.createdAt.toISOString(),
    disconnectedAt: row.disconnectedAt?.toISOString() ?? null,
    calendarIssues: status?.calendarIssues ?? null,
    heldDeletions: status?.heldDeletions ?? null,
    push: status?.push ?? null,
    lastReconcile: status?.lastReconcile ?? null,
    nextReconcileAt: status?.nextReconcileAt ?? null,
  };
}
