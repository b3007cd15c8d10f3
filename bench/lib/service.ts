// The whole service assembled for a benchmark, from real parts on loopback: a Temporal server, a fresh
// migrated database (SQLite by default; PostgreSQL when a server URL is given), both provider fakes, the
// API listening on a free port (OAuth callback, webhooks, /v1), and the production worker as a separate
// process (see test/helpers/worker-process.ts) configured through the same environment variables as in production.
// The benchmark process itself holds the API, the fakes and the driver; with `googleFakeProcess` the Google fake
// runs in its own process instead (fakes/google/main.ts, as under `npm start`), driven over HTTP.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { exportJWK, generateKeyPair } from 'jose';
import { createApp } from '../../api/app';
import { publicPart, SIGNING_ALGORITHM } from '../../api/auth/development-key';
import { signApiToken } from '../../api/auth/signer';
import { loadConfig, PROJECT_ROOT } from '../../config';
import pino from 'pino';
import { createLogger } from '../../config/logger';
import { startGoogleFake, type GoogleFake } from '../../fakes/google/server';
import { startMicrosoftFake, type MicrosoftFake } from '../../fakes/microsoft/server';
import { providerRegistry } from '../../providers/catalog';
import { freePort } from '../../scripts/lib/free-port';
import { ConnectionWorkflowClient } from '../../clients/connection-workflow';
import { ConnectionService } from '../../services/oauth/connecting';
import { createServiceDependencies, type ServiceDependencies } from '../../services/dependencies';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database';
import { Keyring } from '../../vault/keyring';
import { remoteGoogleSandbox, type GoogleSandboxClient } from './remote-google-sandbox';
import { startBenchTemporal, type BenchTemporal } from './temporal';
import { startWorkerProcess, type WorkerProcess } from '../../test/helpers/worker-process';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../worker/create-worker';
import { connectionWorkflowId, statusQuery, type ConnectionStatus } from '../../workflows/connection/messages';

export interface BenchService {
  deps: ServiceDependencies;
  temporal: Client;
  /** The in-process Google fake; throws when the fake runs in its own process (`googleFakeProcess`). */
  google: GoogleFake;
  /** The Google fake's control routes over HTTP: works whether the fake runs in this process or in its own. */
  googleSandbox: GoogleSandboxClient;
  /** The Google fake's own process, when it has one (`googleFakeProcess`), e.g. to read its CPU time. */
  googleFakeProcess: { pid: number } | undefined;
  microsoft: MicrosoftFake;
  apiUrl: string;
  databaseKind: 'sqlite' | 'postgresql';
  /** The environment the worker process runs with (also valid for another process of the service). */
  env: NodeJS.ProcessEnv;
  worker: WorkerProcess;
  /** The Temporal server (restartable when started with `persistentTemporal`). */
  temporalServer: BenchTemporal;
  /** SIGKILLs the worker process (a crash: whatever it was doing is cut off) and starts a new one. */
  killAndRestartWorker(): Promise<WorkerProcess>;
  /** Connects a sandbox account as a user would (authorize at the fake, then the OAuth callback's service). */
  connect(input: {
    provider: 'google' | 'microsoft';
    email: string;
    organizationId?: string;
    userId?: string;
  }): Promise<{ connectionId: string; workflowId: string }>;
  status(workflowId: string): Promise<ConnectionStatus>;
  signToken(claims: { org: string; user: string; permissions: string[] }): Promise<string>;
  /** A second fresh database of the same kind (e.g. to run an activity directly without the workflow's rows). */
  freshDatabase(): Promise<TestDatabase>;
  /** The same dependencies (config, vault key, adapters) on another database. */
  dependenciesFor(db: TestDatabase['db']): ServiceDependencies;
  close(): Promise<void>;
}

export interface BenchServiceOptions {
  /** Start the worker process (default true). */
  worker?: boolean;
  /** Settings for every process of the service (the API in this process and the worker), over the defaults. */
  env?: NodeJS.ProcessEnv;
  /** Keep Temporal's state in a database file, so `temporalServer.restart()` keeps every workflow (default: in memory). */
  persistentTemporal?: boolean;
  /**
   * Run the Google fake in its own process (fakes/google/main.ts), so its work does not compete with the API and
   * the driver for this process's event loop (default false: in this process). `service.google` then throws; use
   * `service.googleSandbox`. The Microsoft fake stays in this process.
   */
  googleFakeProcess?: boolean;
}

/** PostgreSQL server URL for benchmarks: --postgres URL, BENCH_POSTGRES_URL, or a postgresql:// DATABASE_URL. */
export function benchPostgresUrl(): string | undefined {
  const argv = process.argv.slice(2);
  const flag = argv.findIndex((arg) => arg === '--postgres');
  if (flag >= 0 && argv[flag + 1]) return argv[flag + 1];
  const inline = argv.find((arg) => arg.startsWith('--postgres='));
  if (inline) return inline.slice('--postgres='.length);
  if (process.env.BENCH_POSTGRES_URL) return process.env.BENCH_POSTGRES_URL;
  if (process.env.DATABASE_URL?.startsWith('postgres')) return process.env.DATABASE_URL;
  return undefined;
}

async function newDatabase(): Promise<TestDatabase> {
  const postgres = benchPostgresUrl();
  if (!postgres) return createTestDatabase({ provider: 'sqlite' });
  // createTestDatabase makes a new database on the server TEST_POSTGRES_URL names (and drops it at cleanup).
  process.env.TEST_POSTGRES_URL = postgres;
  return createTestDatabase({ provider: 'postgresql' });
}

export async function startBenchService(options: BenchServiceOptions = {}): Promise<BenchService> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const temporalDir = options.persistentTemporal ? fs.mkdtempSync(path.join(os.tmpdir(), 'calsync-bench-temporal-')) : undefined;
    if (temporalDir) cleanups.push(async () => fs.rmSync(temporalDir, { recursive: true, force: true }));
    const temporalServer: BenchTemporal = await startBenchTemporal({ dbFile: temporalDir && path.join(temporalDir, 'temporal.db') });
    cleanups.push(() => temporalServer.stop());
    const database = await newDatabase();
    cleanups.push(() => database.cleanup());
    // The API serves http on loopback: the fakes accept that for push notifications, as the sandbox does.
    const googleProcessStarting = options.googleFakeProcess ? startGoogleFakeProcess() : undefined;
    // Registered before it is up, so that a failure of the in-process fakes still stops it (no orphan process).
    cleanups.push(async () => (await googleProcessStarting)?.stop());
    const [google, googleProcess, microsoft] = await Promise.all([
      options.googleFakeProcess ? undefined : startGoogleFake({ allowLoopbackHttp: true }),
      googleProcessStarting,
      startMicrosoftFake({ allowLoopbackHttp: true }),
    ]);
    cleanups.push(
      async () => google?.close(),
      () => microsoft.close(),
    );
    const googleUrl = google?.baseUrl ?? googleProcess!.baseUrl;
    // One code path for both: the in-process fake answers the same HTTP control routes.
    const googleSandbox = remoteGoogleSandbox(googleUrl);

    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'calsync-bench-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    fs.mkdirSync(path.join(dataDir, 'sandbox-tls'));
    fs.writeFileSync(path.join(dataDir, 'sandbox-tls', 'ca.pem'), microsoft.caCertificate);

    // Built once, as a production image does (Dockerfile): restarted workers start without bundling.
    const workflowBundlePath = path.join(dataDir, 'workflow-bundle.js');
    fs.writeFileSync(
      workflowBundlePath,
      (await bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: new DefaultLogger('WARN') })).code,
    );

    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    const keyId = 'bench';
    const key = randomBytes(32);
    // Start from process.env (PATH, HOME...) without real provider credentials: the sandbox is the provider.
    const base: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(base))
      if (/^(GOOGLE|MICROSOFT)_CALENDAR_/.test(name) || name === 'VAULT_KEYRING_FILE') delete base[name];
    const env: NodeJS.ProcessEnv = {
      ...base,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: apiUrl,
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: `bench-${randomUUID()}`,
      VAULT_KEYS: `${keyId}:${key.toString('base64')}`,
      VAULT_CURRENT_KEY_ID: keyId,
      SANDBOX_GOOGLE_URL: googleUrl,
      SANDBOX_MICROSOFT_URL: microsoft.baseUrl,
      SANDBOX_TLS_DIR: path.join(dataDir, 'sandbox-tls'),
      LOG_LEVEL: 'info',
      WORKFLOW_BUNDLE_PATH: workflowBundlePath,
      ...options.env,
    };

    const config = loadConfig(env);
    const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    const privateJwk = { ...(await exportJWK(privateKey)), alg: SIGNING_ALGORITHM, kid: `bench-${randomUUID()}` };
    // Same registry construction as the worker process, so both sides use identical adapters.
    const providers = providerRegistry(config);
    const keyring = Keyring.fromKeys({ [keyId]: key }, keyId);
    // Silent unless BENCH_API_LOG names a file: then the API's warnings and errors go there (a 500's cause).
    const apiLogFile = process.env.BENCH_API_LOG;
    const apiLogger = apiLogFile
      ? createLogger({ level: 'warn', destination: pino.destination({ dest: apiLogFile, sync: false }) })
      : createLogger({ level: 'silent' });
    const dependenciesFor = (db: TestDatabase['db']) => createServiceDependencies(config, { db, logger: apiLogger, keyring, providers });
    const deps = dependenciesFor(database.db);

    const clientConnection = await Connection.connect({ address: temporalServer.address });
    cleanups.push(() => clientConnection.close());
    const temporal = new Client({ connection: clientConnection });

    // The per-caller rate limit (600/min by default) would turn a load test into a 429 test: lift it.
    const app = await createApp({
      ...deps,
      config: { ...config, JWT_PUBLIC_KEY: JSON.stringify(publicPart(privateJwk)), API_RATE_LIMIT_PER_MINUTE: 1_000_000 },
      temporal,
    });
    const server = http.createServer(app);
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    let worker: WorkerProcess | undefined;
    if (options.worker !== false) {
      worker = await startWorkerProcess(env);
      // The current worker at the end, whichever restart it is.
      cleanups.push(() => worker!.stop());
    }
    const connections = new ConnectionService({ ...deps, workflows: new ConnectionWorkflowClient(temporal, config.TEMPORAL_TASK_QUEUE) });

    return {
      deps,
      temporal,
      get google(): GoogleFake {
        if (!google) throw new Error('the Google fake runs in its own process in this benchmark: use service.googleSandbox');
        return google;
      },
      googleSandbox,
      googleFakeProcess: googleProcess && { pid: googleProcess.pid },
      microsoft,
      apiUrl,
      databaseKind: database.provider,
      env,
      get worker(): WorkerProcess {
        if (!worker) throw new Error('this benchmark service was started without a worker');
        return worker;
      },
      temporalServer,
      async killAndRestartWorker() {
        if (!worker) throw new Error('this benchmark service was started without a worker');
        await worker.kill();
        worker = await startWorkerProcess(env);
        return worker;
      },
      async connect(input) {
        const organizationId = input.organizationId ?? 'bench-org';
        const { authorizationUrl } = await connections.startConnecting({
          organizationId,
          userId: input.userId ?? input.email,
          provider: input.provider,
          loginHint: input.email,
        });
        const fake = input.provider === 'google' ? googleSandbox : microsoft;
        const { code, state } = await fake.authorize(authorizationUrl, input.email);
        const { connectionId } = await connections.completeConnecting(
          { organizationId, userId: input.userId ?? input.email },
          { provider: input.provider, state, code },
        );
        return { connectionId, workflowId: connectionWorkflowId(connectionId) };
      },
      status: (workflowId) => temporal.workflow.getHandle(workflowId).query(statusQuery),
      signToken: (claims) => signApiToken(privateJwk, { organizationId: claims.org, userId: claims.user, permissions: claims.permissions }),
      async freshDatabase() {
        const fresh = await newDatabase();
        cleanups.push(() => fresh.cleanup());
        return fresh;
      },
      dependenciesFor,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * The Google fake as its own process (`tsx fakes/google/main.ts`, as `npm start` runs it) on a free port, in
 * memory only (an empty SANDBOX_STATE_FILE keeps no state file, so every run starts empty). Resolves once
 * `/__fake/health` answers 200.
 */
async function startGoogleFakeProcess(startTimeoutMs = 30_000): Promise<{ pid: number; baseUrl: string; stop(): Promise<void> }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, GOOGLE_FAKE_HOST: '127.0.0.1', GOOGLE_FAKE_PORT: String(port), SANDBOX_STATE_FILE: '' };
  // Its default accepts the API's loopback http watch addresses, as the in-process fake does here: keep it.
  delete env.FAKE_ALLOW_LOOPBACK_HTTP;
  const child = spawn(process.execPath, ['--import', 'tsx', 'fakes/google/main.ts'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderrTail = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM'); // main.ts closes the server and exits
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(force);
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `Google fake process exited before answering on port ${port} (${child.signalCode ?? `code ${child.exitCode}`}); ` +
          `its stderr: ${stderrTail}`,
      );
    }
    const healthy = await fetch(`${baseUrl}/__fake/health`, { signal: AbortSignal.timeout(2_000) }).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status === 200;
      },
      () => false, // not listening yet
    );
    if (healthy) return { pid: child.pid!, baseUrl, stop };
    if (Date.now() >= deadline) {
      await stop();
      const bound = startTimeoutMs / 1000;
      throw new Error(`Google fake process did not answer ${baseUrl}/__fake/health within ${bound} s; its stderr: ${stderrTail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
