// The API process: serves the Express app until SIGINT/SIGTERM, then closes connections cleanly.
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { assertProductionReady } from '../config/production';
import { temporalConnectionOptions } from '../config/temporal';
import { createServiceDependencies } from '../services/dependencies';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  assertProductionReady(config);
  const deps = createServiceDependencies(config, { component: 'api' });
  const { logger } = deps;
  // Lazy: the API starts (and /healthz reports Temporal down) even while the cluster is unreachable.
  const connection = Connection.lazy(temporalConnectionOptions(config));
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: deps.dataConverter });
  const app = await createApp({ ...deps, temporal });

  const server = app.listen(config.PORT, config.HOST, () => {
    logger.info({ url: `http://${config.HOST}:${config.PORT}` }, 'API listening');
  });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'API stopping');
    server.close(async () => {
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
