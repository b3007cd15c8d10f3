// After the chaos: every connection asked to sync (the syncNow signal, as the API's "sync now" sends it) and
// waited for until each of its calendars has committed a sync after the request; done twice, so the second
// round's syncs all started after the last calendar-side change and after any sync the chaos left in flight.
import type { Connected } from '../lib/connect-many';
import { pollUntil } from '../lib/measure';
import type { BenchService } from '../lib/service';
import { syncNowSignal } from '../../workflows/connection/messages';

const SIGNAL_CONCURRENCY = 16;

export interface SettleRound {
  seconds: number;
  /** Connections with a calendar not synced after the request when the bound ran out. */
  unsettled: number;
}

async function syncRound(service: BenchService, connections: Connected[], boundMs: number): Promise<SettleRound> {
  const { db } = service.deps;
  const requestedAt = new Date();
  let next = 0;
  await Promise.all(
    Array.from({ length: SIGNAL_CONCURRENCY }, async () => {
      while (next < connections.length) {
        const { workflowId } = connections[next++]!;
        await service.temporal.workflow.getHandle(workflowId).signal(syncNowSignal, { reason: 'manual' });
      }
    }),
  );
  const behind = async () => {
    // Every connection of the run's own database is one of these (1,000 ids would be over SQLite's bind limit).
    const rows = await db.connectionCalendar.findMany({
      where: { syncEnabled: true, OR: [{ lastSyncAt: null }, { lastSyncAt: { lt: requestedAt } }] },
      select: { connectionId: true },
    });
    return new Set(rows.map((row) => row.connectionId)).size;
  };
  const settled = await pollUntil(behind, (count) => count === 0, { timeoutMs: boundMs, intervalMs: 2_000 });
  return { seconds: (Date.now() - requestedAt.getTime()) / 1000, unsettled: settled.value };
}

export async function settle(service: BenchService, connections: Connected[], boundMs: number): Promise<SettleRound[]> {
  const first = await syncRound(service, connections, boundMs);
  const second = await syncRound(service, connections, boundMs);
  return [first, second];
}
