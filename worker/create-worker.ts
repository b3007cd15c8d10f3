// Builds the worker process's Temporal workers: the main one (every workflow; the connection, vault
// migration and probe activities) on TEMPORAL_TASK_QUEUE, and the webhooks one (the webhook endpoint
// workflows and their delivery activities) on `<queue>-webhooks`, with slots of its own so slow CRM
// endpoints never hold up syncs. Shared by the worker process (worker/main.ts) and the integration tests,
// so tests run exactly what production runs.
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createWebhookActivities } from '../activities/webhooks';
import { webhookTaskQueue } from '../clients/webhook-endpoints';
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
/**
 * Every workflow evaluates the bundle's modules afresh (its own module cache). zod keeps no per-workflow state,
 * so its own code is evaluated once per V8 context and shared (frozen); the schemas built with it are deferred
 * (workflows/connection/input-schemas-on-demand.ts). Our schema modules are not preloaded: zod defines some
 * schema properties lazily, which a frozen schema would refuse.
 */
export const WORKFLOW_BUNDLE_OPTIONS = { workflowsPath: WORKFLOWS_PATH, preloadModules: ['zod'] };
/**
 * A workflow task waits this long for the worker that has the workflow cached before another worker takes it
 * (replaying the history). The SDK's 10 s would add up to 10 s to a request whose worker died (an update's
 * activity retried elsewhere still needs a workflow task to answer); a live worker starts its task in
 * milliseconds.
 */
const STICKY_TASK_WAIT = '5 seconds' as const;
/** Concurrent webhook deliveries per worker process (each waits at most 10 s for an endpoint). */
const WEBHOOK_DELIVERY_SLOTS = 50;

/** The prebuilt bundle WORKFLOW_BUNDLE_PATH names (which must exist), else the workflows bundled now. */
export async function workflowBundleFor(prebuiltPath: string | undefined): Promise<NonNullable<WorkerOptions['workflowBundle']>> {
  if (prebuiltPath === undefined) return { code: (await bundleWorkflowCode(WORKFLOW_BUNDLE_OPTIONS)).code };
  if (!fs.existsSync(prebuiltPath)) {
    throw new Error(
      `WORKFLOW_BUNDLE_PATH: no file at ${prebuiltPath}; build it with \`npm run build:workflow-bundle\` or unset the setting`,
    );
  }
  return { codePath: prebuiltPath };
}

export async function createWorkers(options: CreateWorkerOptions): Promise<Worker[]> {
  const { connection, namespace, taskQueue, identity, deps } = options;
  const workflowBundle = options.workflowBundle ?? (await workflowBundleFor(deps.config.WORKFLOW_BUNDLE_PATH));
  const shared = {
    connection,
    namespace,
    workflowBundle,
    dataConverter: deps.dataConverter,
    stickyQueueScheduleToStartTimeout: STICKY_TASK_WAIT,
    ...(identity ? { identity } : {}),
  };
  return Promise.all([
    Worker.create({
      ...shared,
      taskQueue,
      activities: createActivities(deps),
      ...(deps.config.WORKER_MAX_CACHED_WORKFLOWS ? { maxCachedWorkflows: deps.config.WORKER_MAX_CACHED_WORKFLOWS } : {}),
    }),
    Worker.create({
      ...shared,
      taskQueue: webhookTaskQueue(taskQueue),
      activities: createWebhookActivities(deps),
      maxConcurrentActivityTaskExecutions: WEBHOOK_DELIVERY_SLOTS,
    }),
  ]);
}

/** Runs the workers until they are shut down (SIGINT/SIGTERM, or shutdown() on each). */
export async function runWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((worker) => worker.run()));
}
