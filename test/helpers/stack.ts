// The whole service for an integration test, built from real parts: the shared Temporal dev server (test
// global setup), a fresh migrated database, both provider fakes with the production adapters pointed at
// them, the real vault, a worker on the test's own task queue running the bundled production workflows,
// and optionally the API listening on loopback (push notifications need it). Logs are captured so tests can
// scan them for secrets.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { publicPart, SIGNING_ALGORITHM } from '../../api/auth/development-key';
import { signApiToken } from '../../api/auth/signer';
import { exportJWK, generateKeyPair } from 'jose';
import { loadConfig } from '../../config';
import { createLogger } from '../../config/logger';
import { startGoogleFake, GOOGLE_SANDBOX_CLIENT, type GoogleFake, type GoogleFakeOptions } from '../../fakes/google/server';
import { startMicrosoftFake, SANDBOX_MICROSOFT_CLIENT, type MicrosoftFake, type MicrosoftFakeOptions } from '../../fakes/microsoft/server';
import { googleRuntime, microsoftRuntime } from '../../providers/catalog';
import { ProviderRegistry } from '../../providers/registry';
import { freePort } from '../../scripts/lib/free-port';
import { ConnectionWorkflowClient } from '../../clients/connection-workflow';
import { createServiceDependencies, type ServiceDependencies } from '../../services/dependencies';
import type { BudgetLimits } from '../../services/provider-budget/limits';
import { ConnectionService } from '../../services/oauth/connecting';
import { TEST_KEYRING } from './test-keyring';
import { createWorker } from '../../worker/create-worker';
import { createTestDatabase } from './database';

let runtimeConfigured = false;

export interface TestStack {
  deps: ServiceDependencies;
  google: GoogleFake;
  microsoft: MicrosoftFake;
  temporal: Client;
  taskQueue: string;
  apiUrl: string;
  /** Every log line the service wrote (JSON), for secret scanning. */
  logs: string[];
  /** Stops the worker abruptly-but-cleanly and starts a new one (a crash and restart of the process). */
  restartWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
  /** A valid API token for this stack's API (its own signing key); `ttlSeconds` may be negative (expired). */
  signToken(claims: { org: string; user: string; permissions: string[]; ttlSeconds?: number }): Promise<string>;
  /** The connection workflows' client and the OAuth flow, as the API uses them. */
  workflows: ConnectionWorkflowClient;
  connecting: ConnectionService;
}

export interface TestStackOptions {
  provider?: 'sqlite' | 'postgresql';
  env?: Record<string, string>;
  googleFake?: GoogleFakeOptions;
  microsoftFake?: Omit<MicrosoftFakeOptions, 'port' | 'host'>;
  /** Google events.list page size (small pages make multi-page syncs cheap to test). */
  googlePageSize?: number;
  /** The providers' limits scaled down (the provider budget); default: the configured (real) ones. */
  budgetLimits?: BudgetLimits;
  /** Run the providers as `production` (what real credentials select) instead of `sandbox`. */
  providerMode?: 'production' | 'sandbox';
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  const bundlePath = process.env.TEST_WORKFLOW_BUNDLE;
  if (!address || !bundlePath) throw new Error('TEMPORAL_TEST_ADDRESS is not set: run the tests through jest (test/setup/global-setup.ts)');
  if (!runtimeConfigured) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeConfigured = true;
  }

  const database = await createTestDatabase({ provider: options.provider ?? 'sqlite' });
  // The stack's API serves http on loopback: the fakes accept that unless a test asks for the real behaviour.
  const [google, microsoft] = await Promise.all([
    startGoogleFake({ allowLoopbackHttp: true, ...options.googleFake }),
    startMicrosoftFake({ allowLoopbackHttp: true, ...options.microsoftFake }),
  ]);
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const taskQueue = `test-${randomUUID()}`;
  // API tokens: a signing key of this stack's own, handed to the API as JWT_PUBLIC_KEY.
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), alg: SIGNING_ALGORITHM, kid: `test-${randomUUID()}` };
  const config = loadConfig({
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: apiUrl,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'debug',
    JWT_PUBLIC_KEY: JSON.stringify(publicPart(privateJwk)),
    ...options.env,
  });

  const logs: string[] = [];
  const logSink = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', destination: logSink });
  const keyring = TEST_KEYRING;
  const providers = new ProviderRegistry([
    googleRuntime({
      endpoints: google.endpoints,
      client: GOOGLE_SANDBOX_CLIENT,
      mode: options.providerMode ?? 'sandbox',
      adapterOptions: { pageSize: options.googlePageSize },
    }),
    microsoftRuntime({
      endpoints: microsoft.endpoints,
      client: { ...SANDBOX_MICROSOFT_CLIENT },
      mode: options.providerMode ?? 'sandbox',
      ca: microsoft.caCertificate,
    }),
  ]);
  const deps = createServiceDependencies(config, {
    db: database.db,
    logger,
    keyring,
    providers,
    ...(options.budgetLimits ? { budgetLimits: options.budgetLimits } : {}),
  });

  const clientConnection = await Connection.connect({ address });
  const temporal = new Client({ connection: clientConnection, dataConverter: deps.dataConverter });
  const app = await createApp({ ...deps, temporal });
  const workflows = new ConnectionWorkflowClient(temporal, taskQueue);
  const connecting = new ConnectionService({ ...deps, workflows });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let workerConnection: NativeConnection | undefined;

  async function startWorker() {
    workerConnection = await NativeConnection.connect({ address });
    worker = await createWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      deps,
      workflowBundle: { codePath: bundlePath! },
    });
    workerRun = worker.run();
  }
  async function stopWorker() {
    if (!worker) return;
    worker.shutdown();
    await workerRun;
    await workerConnection?.close();
    worker = undefined;
  }
  await startWorker();

  return {
    deps,
    google,
    microsoft,
    temporal,
    taskQueue,
    apiUrl,
    logs,
    startWorker,
    stopWorker,
    workflows,
    connecting,
    signToken: (claims) =>
      signApiToken(privateJwk, {
        organizationId: claims.org,
        userId: claims.user,
        permissions: claims.permissions,
        ttlSeconds: claims.ttlSeconds,
      }),
    async restartWorker() {
      await stopWorker();
      await startWorker();
    },
    async close() {
      await stopWorker();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await clientConnection.close();
      await Promise.all([google.close(), microsoft.close()]);
      await database.cleanup();
    },
  };
}
