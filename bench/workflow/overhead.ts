// Orchestration overhead of a first sync: the same large sandbox calendar synced (a) through the connection
// workflow on the worker process, from the moment connecting starts until every row is in the database and
// the workflow reports lastSync ok, and (b) by calling the syncConnection activity function directly in this
// process (fresh database of the same kind, same adapters), from the moment connecting starts too.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import type { ConnectionWorkflowClient } from '../../clients/connection-workflow';
import { ConnectionService } from '../../services/oauth/connecting';
import { millisSince, now, pollUntil } from '../lib/measure';
import { seedSingleEvents } from '../lib/sandbox-calendar';
import type { BenchService } from '../lib/service';
import { syncActivityDurations } from './history';

const REMINDER_HORIZON_MINUTES = 60;

export interface OverheadResult {
  events: number;
  workflow: { totalMs: number; dbCompleteMs: number; activityMs?: number; rows: number; ok: boolean };
  direct: { totalMs: number; activityMs: number; rows: number };
}

/** Connects through the workflow and waits for the first sync; times measured from the start of connecting. */
export async function viaWorkflow(service: BenchService, email: string, timeoutMs: number) {
  const { db } = service.deps;
  const start = now();
  const { connectionId, workflowId } = await service.connect({ provider: 'google', email, organizationId: `org-${email}` });
  const synced = await pollUntil(
    () => db.connectionCalendar.findFirst({ where: { connectionId, lastSyncAt: { not: null } }, select: { id: true } }),
    (row) => row !== null,
    { timeoutMs, intervalMs: 50 },
  );
  const dbCompleteMs = millisSince(start);
  const status = await pollUntil(
    () => service.status(workflowId).catch(() => undefined),
    (s) => s?.lastSync !== undefined,
    { timeoutMs: synced.ok ? 30_000 : 1, intervalMs: 50 },
  );
  const totalMs = millisSince(start);
  const rows = await db.calendarEvent.count({ where: { connectionId } });
  const [activityMs] = await syncActivityDurations(service.temporal, workflowId);
  return { totalMs, dbCompleteMs, activityMs, rows, ok: synced.ok && status.value?.lastSync?.outcome === 'ok' };
}

/** The same connect code path without starting a workflow, then the activity function itself. */
export async function direct(service: BenchService, deps: ReturnType<BenchService['dependenciesFor']>, email: string) {
  const noWorkflows = { connected: async () => undefined } as unknown as ConnectionWorkflowClient;
  const connections = new ConnectionService({ ...deps, workflows: noWorkflows });
  const activities = createActivities(deps);
  const start = now();
  const { authorizationUrl } = await connections.startConnecting({
    organizationId: `org-${email}`,
    userId: email,
    provider: 'google',
    loginHint: email,
  });
  const { code, state } = await service.google.authorize(authorizationUrl, email);
  const { connectionId } = await connections.completeConnecting(
    { organizationId: `org-${email}`, userId: email },
    { provider: 'google', state, code },
  );
  const activityStart = now();
  await new MockActivityEnvironment().run(activities.syncConnection, { connectionId, reminderHorizonMinutes: REMINDER_HORIZON_MINUTES });
  const activityMs = millisSince(activityStart);
  const totalMs = millisSince(start);
  const rows = await deps.db.calendarEvent.count({ where: { connectionId } });
  return { totalMs, activityMs, rows };
}

export async function measureOverhead(service: BenchService, events: number, log: (line: string) => void): Promise<OverheadResult> {
  const directDb = await service.freshDatabase();
  const directDeps = service.dependenciesFor(directDb.db);

  // Warm-up on a small calendar, both ways, so neither path pays first-call costs (JIT, connections).
  seedSingleEvents(service.google, 'warmup@example.com', 200, 7);
  await viaWorkflow(service, 'warmup@example.com', 60_000);
  await direct(service, directDeps, 'warmup@example.com');

  // One account, read by both paths: identical data, each into its own database.
  const email = 'large-calendar@example.com';
  const { seeded } = seedSingleEvents(service.google, email, events);
  log(`  seeded ${seeded} single events in one sandbox Google account; warm-up done`);
  const workflow = await viaWorkflow(service, email, 10 * 60_000);
  const directRun = await direct(service, directDeps, email);
  return { events: seeded, workflow, direct: directRun };
}
