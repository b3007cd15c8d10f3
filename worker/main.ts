// The worker process: runs workflows and activities from the task queue until SIGINT/SIGTERM.
// Scale out by starting more of these against the same Temporal cluster and database.
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { temporalConnectionOptions } from '../config/temporal';
import { createDb } from '../db/client';
import { createWorker } from './create-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker' });
  const db = createDb(config.DATABASE_URL);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    db,
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE }, 'worker started');
  // Worker.run() handles SIGINT/SIGTERM itself: it stops polling, finishes running tasks, then resolves.
  await worker.run();
  await connection.close();
  await db.$disconnect();
  logger.info('worker stopped');
}

main().catch((error: unknown) => {
  console.error('worker failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
