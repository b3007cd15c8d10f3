// The worker process: runs workflows and activities from the task queue until SIGINT/SIGTERM.
// Scale out by starting more of these against the same Temporal cluster and database.
import http from 'node:http';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config';
import { assertProductionReady, isProduction } from '../config/production';
import { databaseRoleProblems } from '../services/database-roles';
import { temporalConnectionOptions } from '../config/temporal';
import { installSdkMetrics, startWorkerMetrics } from '../observability/process-metrics';
import { createServiceDependencies } from '../services/dependencies';
import { createWorkers, runWorkers } from './create-worker';
import { createDb } from '../db/client';
import { Client, Connection } from '@temporalio/client';
import { ensureCleanupSchedule } from '../clients/cleanup-schedule';

async function main(): Promise<void> {
  const config = loadConfig();
  assertProductionReady(config);
  // The worker works across organizations by connection id: everything it does runs as the system role.
  const deps = createServiceDependencies(config, {
    component: 'worker',
    db: createDb(config.SYSTEM_DATABASE_URL ?? config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE }),
  });
  const { logger } = deps;
  if (isProduction(config)) {
    const variable = config.SYSTEM_DATABASE_URL ? 'SYSTEM_DATABASE_URL' : 'DATABASE_URL';
    const problems = await databaseRoleProblems(deps.db, 'system', variable);
    if (problems.length > 0) throw new Error(`refusing to start with NODE_ENV=production: ${problems.join('; ')}`);
  }
  const sdkMetricsUrl = await installSdkMetrics(config.WORKER_METRICS_PORT);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  const workers = await createWorkers({ connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE, deps });
  // The cleanup runs on a schedule this worker makes sure exists (visible in the Temporal UI).
  const clientConnection = await Connection.connect(temporalConnectionOptions(config));
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: deps.dataConverter });
  await ensureCleanupSchedule(client, { taskQueue: config.TEMPORAL_TASK_QUEUE, intervalMinutes: config.CLEANUP_INTERVAL_MINUTES });
  await clientConnection.close();

  // Optional liveness endpoint for orchestrators (docker-compose health check): 200 while polling.
  const healthPort = config.WORKER_HEALTH_PORT;
  const health = healthPort
    ? http
        .createServer((_request, response) => {
          const states = workers.map((worker) => worker.getState());
          response.writeHead(states.every((state) => state === 'RUNNING') ? 200 : 503, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ state: states.find((state) => state !== 'RUNNING') ?? 'RUNNING' }));
        })
        .listen(healthPort)
    : undefined;

  const metricsServer = await startWorkerMetrics(deps, sdkMetricsUrl);
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE }, 'worker started');
  // Worker.run() handles SIGINT/SIGTERM itself: it stops polling, finishes running tasks, then resolves.
  await runWorkers(workers);
  health?.close();
  await metricsServer?.close();
  await connection.close();
  await deps.db.$disconnect();
  logger.info('worker stopped');
}

main().catch((error: unknown) => {
  console.error('worker failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
