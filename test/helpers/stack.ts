// The whole service for an integration test, built from real parts: the shared Temporal dev server (test
// global setup), a fresh migrated database, both provider fakes with the production adapters pointed at
// them, the real vault, a worker on the test's own task queue running the bundled production workflows,
// and the API listening on loopback (push notifications need it; it also serves the console). Logs are
// captured so tests can scan them for secrets.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { ensureDevelopmentSigningKey, publicPart, SIGNING_ALGORITHM } from '../../api/auth/development-key';
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
import { TEST_KEY_BASE64, TEST_KEYRING } from './test-keyring';
import { startApiMetrics } from '../../observability/process-metrics';
import { createWorkers, runWorkers } from '../../worker/create-worker';
import { startWorkerProcess, type WorkerProcess } from './worker-process';
import { createDatabaseRoles } from './database-roles';
import { createTestDatabase } from './database';

let runtimeConfigured = false;

async function newSigningKey() {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  return { ...(await exportJWK(privateKey)), alg: SIGNING_ALGORITHM, kid: `test-${randomUUID()}` };
}

export const TEST_TOKEN_ISSUER = 'https://crm.test.example/';
export const TEST_TOKEN_AUDIENCE = 'calendar-sync-test';

export interface TestStack {
  deps: ServiceDependencies;
  /** DATABASE_URL of the stack's database (e.g. for a second client standing in for another process). */
  databaseUrl: string;
  google: GoogleFake;
  microsoft: MicrosoftFake;
  temporal: Client;
  taskQueue: string;
  apiUrl: string;
  /** Every log line the service wrote (JSON), for secret scanning. */
  logs: string[];
  /** Stops the worker abruptly-but-cleanly and starts a new one (a crash and restart of the process). */
  restartWorker(): Promise<void>;
  /**
   * The production worker as a separate process on this stack (same database, task queue, keyring and
   * fakes), to be killed with SIGKILL; stop the in-process worker first so the process gets the tasks.
   */
  startWorkerProcess(): Promise<WorkerProcess>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
  /**
   * A valid API token for this stack's API (its own signing key, its issuer and audience unless others are
   * given); `ttlSeconds` may be negative (expired).
   */
  signToken(claims: {
    org: string;
    user: string;
    permissions: string[];
    ttlSeconds?: number;
    issuer?: string;
    audience?: string;
  }): Promise<string>;
  /** The connection workflows' client and the OAuth flow, as the API uses them. */
  workflows: ConnectionWorkflowClient;
  connecting: ConnectionService;
}

export interface TestStackOptions {
  provider?: 'sqlite' | 'postgresql';
  /**
   * PostgreSQL only: connect as production does, the API as a login of the application role (calsync_app)
   * plus one of the system role (calsync_system), the worker as the system role, so row-level security
   * binds. Without it everything connects as the test server's superuser. `stack.deps` (what tests read
   * and write directly) stays the superuser's either way.
   */
  databaseRoles?: boolean;
  env?: Record<string, string>;
  googleFake?: GoogleFakeOptions;
  microsoftFake?: Omit<MicrosoftFakeOptions, 'port' | 'host'>;
  /** Google events.list page size (small pages make multi-page syncs cheap to test). */
  googlePageSize?: number;
  /**
   * Run the API as `npm start` does: tokens verified with the development key (in a data folder of the
   * stack's own), so the development sign-in exists. Default: a signing key handed over as JWT_PUBLIC_KEY.
   */
  developmentSignIn?: boolean;
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
  // API tokens: a signing key of this stack's own, handed to the API as JWT_PUBLIC_KEY; or the development
  // key of a data folder of its own (developmentSignIn).
  const dataDir = options.developmentSignIn ? fs.mkdtempSync(path.join(os.tmpdir(), 'calsync-data-')) : undefined;
  const privateJwk = dataDir ? (await ensureDevelopmentSigningKey(dataDir)).privateJwk : await newSigningKey();
  const config = loadConfig({
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: apiUrl,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'debug',
    JWT_PUBLIC_KEY: dataDir ? '' : JSON.stringify(publicPart(privateJwk)),
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
    // As in production: tokens must name this issuer and audience.
    JWT_ISSUER: TEST_TOKEN_ISSUER,
    JWT_AUDIENCE: TEST_TOKEN_AUDIENCE,
    // Tests sync often and on purpose: a short gap keeps them quick (the gap itself is tested with its own).
    SYNC_MIN_GAP_SECONDS: '1',
    // Every test request comes from 127.0.0.1: per-address limits are tested on their own (rate-limits.test.ts).
    PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
    WEBHOOK_RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_FAILURES_PER_MINUTE: '1000000',
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
  const roles = options.databaseRoles ? await createDatabaseRoles(database) : undefined;
  const roleDeps = (db: typeof database.db, systemDb: typeof database.db) =>
    createServiceDependencies(config, {
      db,
      systemDb,
      logger,
      keyring,
      providers,
      ...(options.budgetLimits ? { budgetLimits: options.budgetLimits } : {}),
    });
  const apiDeps = roles ? roleDeps(roles.appDb, roles.systemDb) : deps;
  const workerDeps = roles ? roleDeps(roles.systemDb, roles.systemDb) : deps;

  const clientConnection = await Connection.connect({ address });
  const temporal = new Client({ connection: clientConnection, dataConverter: deps.dataConverter });
  const app = await createApp({ ...apiDeps, temporal });
  const workflows = new ConnectionWorkflowClient(temporal, taskQueue, config.SYNC_MIN_GAP_SECONDS * 1000);
  const connecting = new ConnectionService({ ...deps, workflows });
  const server = http.createServer(app);
  // The API's metrics endpoint when the test asks for it (API_METRICS_PORT in `env`).
  const metricsServer = await startApiMetrics(deps);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  let workers: Worker[] | undefined;
  let workerRun: Promise<void> | undefined;
  let workerConnection: NativeConnection | undefined;

  async function startWorker() {
    if (workers) return;
    workerConnection = await NativeConnection.connect({ address });
    workers = await createWorkers({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      deps: workerDeps,
      workflowBundle: { codePath: bundlePath! },
    });
    workerRun = runWorkers(workers);
  }
  async function stopWorker() {
    if (!workers) return;
    for (const worker of workers) worker.shutdown();
    await workerRun;
    await workerConnection?.close();
    workers = undefined;
  }
  await startWorker();

  return {
    deps,
    databaseUrl: database.url,
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
        issuer: claims.issuer ?? config.JWT_ISSUER,
        audience: claims.audience ?? config.JWT_AUDIENCE,
      }),
    async startWorkerProcess() {
      const tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'calsync-worker-tls-'));
      fs.writeFileSync(path.join(tlsDir, 'ca.pem'), microsoft.caCertificate);
      const [keyId] = keyring.keyIds();
      return startWorkerProcess({
        ...process.env,
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        PUBLIC_URL: apiUrl,
        SANDBOX_GOOGLE_URL: google.baseUrl,
        SANDBOX_MICROSOFT_URL: microsoft.baseUrl,
        SANDBOX_TLS_DIR: tlsDir,
        VAULT_KEYS: `${keyId}:${TEST_KEY_BASE64}`,
        VAULT_CURRENT_KEY_ID: keyId,
        LOG_LEVEL: 'info',
        ...options.env,
      });
    },
    async restartWorker() {
      await stopWorker();
      await startWorker();
    },
    async close() {
      await stopWorker();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await metricsServer?.close();
      await clientConnection.close();
      await Promise.all([google.close(), microsoft.close()]);
      await roles?.drop();
      await database.cleanup();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
