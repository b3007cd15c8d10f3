// The endpoint's next events from the change stream (data/outbox.ts): waits (polling the database) until
// some exist after `after`, or `waitMs` passed. Returns sequences only: the payloads stay in the database,
// out of workflow histories.
import { changesAfter } from '../../data/outbox';
import { endpointTypes } from '../../data/webhooks';
import type { ServiceDependencies } from '../dependencies';

const POLL_MS = 250;

export interface StreamBatch {
  /** false: the endpoint was deleted or disabled; its workflow ends. */
  active: boolean;
  events: Array<{ sequence: number; connectionId: string | null }>;
}

export async function nextEventsFor(
  { db }: Pick<ServiceDependencies, 'db'>,
  input: { endpointId: string; after: number; limit: number; waitMs: number },
  alive: () => void,
): Promise<StreamBatch> {
  const deadline = Date.now() + input.waitMs;
  for (;;) {
    const endpoint = await db.webhookEndpoint.findUnique({ where: { id: input.endpointId } });
    if (!endpoint || endpoint.deletedAt || endpoint.disabledAt) return { active: false, events: [] };
    const types = endpointTypes(endpoint);
    const rows = await changesAfter(db, {
      organizationId: endpoint.organizationId,
      after: input.after,
      limit: input.limit,
      ...(types ? { types } : {}),
    });
    if (rows.length > 0 || Date.now() >= deadline) {
      return { active: true, events: rows.map((row) => ({ sequence: row.sequence, connectionId: row.connectionId })) };
    }
    alive();
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
