// Starts `temporal server start-dev` (a full single-process Temporal server with the Web UI) and waits until
// its frontend answers. Used by `npm start` (persistent database, fixed ports) and by the test suite
// (in-memory, free ports). Registers the product's custom search attributes.
import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

export interface DevServerOptions {
  binary: string;
  ip?: string;
  port: number;
  uiPort?: number; // omitted: headless
  /** Persistent SQLite file; omitted: in-memory. */
  dbFile?: string;
  namespace?: string;
  /** Where the server's own log goes (default: discarded). */
  logStream?: NodeJS.WritableStream;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const KEYWORD_TYPE = 'Keyword';

export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port), '--log-level', 'warn'];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);
  for (const attribute of CUSTOM_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${attribute.name}=${KEYWORD_TYPE}`);

  const child = spawn(options.binary, args, {
    stdio: ['ignore', options.logStream ? 'pipe' : 'ignore', options.logStream ? 'pipe' : 'ignore'],
  });
  if (options.logStream) {
    child.stdout?.pipe(options.logStream, { end: false });
    child.stderr?.pipe(options.logStream, { end: false });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `${ip}:${options.port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 250))]);
    if (early !== 'running') throw new Error(`temporal server start-dev exited with code ${early} (port ${options.port} in use?)`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.healthService.check({});
      await connection.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`Temporal dev server did not become ready on ${address}: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  return {
    address,
    uiUrl: options.uiPort ? `http://${ip}:${options.uiPort}` : undefined,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
