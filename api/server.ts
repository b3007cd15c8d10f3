// The API process: serves the Express app until SIGINT/SIGTERM, then closes connections cleanly.
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { assertProductionReady, isProduction } from '../config/production';
import { databaseRoleProblems } from '../services/database-roles';
import { temporalConnectionOptions } from '../config/temporal';
import { startApiMetrics } from '../observability/process-metrics';
import { createServiceDependencies } from '../services/dependencies';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  assertProductionReady(config);
  const deps = createServiceDependencies(config, { component: 'api' });
  const { logger } = deps;
  if (isProduction(config)) {
    const problems = [
      ...(await databaseRoleProblems(deps.db, 'application', 'DATABASE_URL')),
      ...(await databaseRoleProblems(deps.systemDb, 'system', config.SYSTEM_DATABASE_URL ? 'SYSTEM_DATABASE_URL' : 'DATABASE_URL')),
    ];
    if (problems.length > 0) throw new Error(`refusing to start with NODE_ENV=production: ${problems.join('; ')}`);
  }
  // Lazy: the API starts (and /healthz reports Temporal down) even while the cluster is unreachable.
  const connection = Connection.lazy(temporalConnectionOptions(config));
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: deps.dataConverter });
  const app = await createApp({ ...deps, temporal });
  const metricsServer = await startApiMetrics(deps);

  const server = app.listen(config.PORT, config.HOST, () => {
    logger.info({ url: `http://${config.HOST}:${config.PORT}` }, 'API listening');
  });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'API stopping');
    server.close(async () => {
      await metricsServer?.close();
      await connection.close();
      await deps.db.$disconnect();
      process.exit(0);
    });
    server.closeAllConnections();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('API failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
