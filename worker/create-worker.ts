// Builds the Temporal worker: the workflow bundle plus activities bound to their dependencies. Shared by the
// worker process (worker/main.ts) and the integration tests, so tests run exactly what production runs.
import path from 'node:path';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { ServiceDependencies } from '../services/dependencies';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ServiceDependencies;
  /** Pre-built bundle (tests share one); otherwise workflows/index.ts is bundled at start-up. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
}

export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows', 'index.ts');

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const { connection, namespace, taskQueue, workflowBundle, identity, deps } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(identity ? { identity } : {}),
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(deps),
    dataConverter: deps.dataConverter,
  });
}
