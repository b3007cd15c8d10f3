// The `npm start` launcher: everything the service needs on one machine, on its embedded defaults.
//   1. data folder, development secrets (vault keyring, API signing key) on first run
//   2. database migrations (SQLite by default, or DATABASE_URL)
//   3. Temporal dev server with a persistent database and the Web UI (unless TEMPORAL_ADDRESS is set)
//   4. sandbox Google / Microsoft providers (unless real OAuth credentials are configured)
//   5. the worker and the API
// Ctrl-C / SIGTERM stops them all in reverse order.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import readline from 'node:readline';
import { loadConfig, PROJECT_ROOT } from '../../config';
import { applyMigrations } from '../../db/migrate';
import { loadStartupKeyring } from '../../vault/development-keyring';
import { assertProductionReady, isProduction } from '../../config/production';
import { ensureDevelopmentSigningKey } from '../../api/auth/development-key';
import { startTemporalDevServer, type DevServer } from '../lib/temporal-dev-server';
import { sandboxPlan } from './sandbox';

const TEMPORAL_PORT = 7233;
const TEMPORAL_UI_PORT = 8233;

function say(message: string): void {
  process.stdout.write(`[start] ${message}\n`);
}

interface Child {
  name: string;
  process: ChildProcess;
}

const children: Child[] = [];
let temporal: DevServer | undefined;
let stopping = false;

/** Runs a TypeScript entry point as a child process, prefixing its output with its name. */
function run(name: string, entry: string, env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream! }).on('line', (line) => process.stdout.write(`[${name}] ${line}\n`));
  }
  child.once('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
      void shutdown(1);
    }
  });
  const entry_ = { name, process: child };
  children.push(entry_);
  return entry_;
}

async function waitFor(url: string, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not become ready at ${url}`);
    if (stopping) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function waitForPort(port: number, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!stopping) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      const done = (result: boolean) => {
        socket.destroy();
        resolve(result);
      };
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
      socket.setTimeout(500, () => done(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start listening on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  for (const child of [...children].reverse()) await stopChild(child);
  await temporal?.stop();
  say('stopped');
  process.exit(code);
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  process.once('SIGHUP', () => void shutdown(0));
  // `npm start` does not pass SIGTERM on to this process: when npm (our parent) goes away, stop too, so a
  // signal to npm never leaves the servers running orphaned.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown(0);
  }, 500).unref();

  const config = loadConfig();
  // Production settings are checked before anything is made: no development key is ever created there.
  assertProductionReady(config);
  mkdirSync(path.join(config.DATA_DIR, 'logs'), { recursive: true });

  const keyring = loadStartupKeyring({ dataDir: config.DATA_DIR, env: config });
  if (keyring.created) say(`created a development vault keyring at ${path.relative(PROJECT_ROOT, keyring.path!)}`);
  if (!isProduction(config)) {
    const signingKey = await ensureDevelopmentSigningKey(config.DATA_DIR);
    if (signingKey.created) say(`created a development API signing key at ${path.relative(PROJECT_ROOT, signingKey.path)}`);
  }

  say('applying database migrations');
  await applyMigrations(config.DATABASE_URL);

  const env: NodeJS.ProcessEnv = { ...process.env };
  if (process.env.TEMPORAL_ADDRESS) {
    say(`using the Temporal cluster at ${process.env.TEMPORAL_ADDRESS}`);
  } else {
    say(`starting the Temporal dev server (gRPC ${TEMPORAL_PORT}, Web UI ${TEMPORAL_UI_PORT})`);
    const log = createWriteStream(path.join(config.DATA_DIR, 'logs', 'temporal.log'), { flags: 'a' });
    temporal = await startTemporalDevServer({
      binary: process.env.TEMPORAL_CLI ?? 'temporal',
      port: TEMPORAL_PORT,
      uiPort: TEMPORAL_UI_PORT,
      dbFile: path.join(config.DATA_DIR, 'temporal.db'),
      logStream: log,
    });
    env.TEMPORAL_ADDRESS = temporal.address;
  }

  for (const sandbox of sandboxPlan(config.DATA_DIR, process.env)) {
    say(`starting the sandbox ${sandbox.name} provider on ${sandbox.url}`);
    run(`sandbox-${sandbox.name}`, sandbox.entry, { ...env, ...sandbox.env });
    await waitForPort(sandbox.port, `sandbox ${sandbox.name}`);
    Object.assign(env, sandbox.clientEnv);
  }

  run('worker', 'worker/main.ts', env);
  run('api', 'api/server.ts', env);
  const apiUrl = `http://${config.HOST}:${config.PORT}`;
  await waitFor(`${apiUrl}/healthz`, 'the API');
  if (stopping) return;

  process.stdout.write(
    [
      '',
      '  Calendar sync is running.',
      `    Console      ${apiUrl}/console/   ` +
        (config.JWT_PUBLIC_KEY ? '(opened from your CRM with a token)' : '(development sign-in: any organization, user, permissions)'),
      `    API          ${apiUrl}   (health: ${apiUrl}/healthz, docs: ${apiUrl}/docs)`,
      temporal ? `    Temporal UI  ${temporal.uiUrl}` : `    Temporal     ${env.TEMPORAL_ADDRESS}`,
      '    Get a token  npm run --silent token -- --org acme --user alice ' +
        '--permissions ce.calendar.connect,ce.calendar.schedule,ce.calendar.view',
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n') + '\n',
  );
}

main().catch((error: unknown) => {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1);
});
