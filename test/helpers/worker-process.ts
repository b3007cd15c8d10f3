// The production worker (worker/main.ts) as its own process: benchmarks measure its memory alone, tests
// kill it with SIGKILL (a crash, not a shutdown). It bundles the workflows itself at start-up, as in
// production; we wait for its "worker started" log line.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { readProcessMemory, sampleProcessRss, type RssSampler } from '../../bench/lib/measure';

const PROJECT_ROOT = path.resolve(__dirname, '../..');

export interface WorkerProcess {
  pid: number;
  rss: RssSampler;
  /** The kernel's high-water mark of the worker's RSS (VmHWM): the true peak, not just what sampling saw. */
  highWaterMark(): number | undefined;
  /** Log lines at warn level or above (JSON), for reporting failures. */
  problems(): string[];
  /** Resolves with the exit code when the process ends (by itself, or killed). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
  /** SIGKILL: the process dies at once, in the middle of whatever it was doing. */
  kill(): Promise<void>;
}

export async function startWorkerProcess(env: NodeJS.ProcessEnv, options: { startTimeoutMs?: number } = {}): Promise<WorkerProcess> {
  // BENCH_WORKER_NODE_ARGS: extra node flags for the worker alone, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  // (flags NODE_OPTIONS refuses; a profile is written when the worker stops).
  const nodeArgs = (env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'worker/main.ts'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const problems: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderrTail = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
  });

  const started = new Promise<void>((resolve) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('"worker started"')) resolve();
      // pino levels: 40 warn, 50 error, 60 fatal. Keep a bounded sample only.
      const level = /"level":(\d+)/.exec(line);
      if (level && Number(level[1]) >= 40 && problems.length < 200) problems.push(line);
    });
  });
  const timeoutMs = options.startTimeoutMs ?? 180_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    started.then(() => 'started' as const),
    exited.then((code) => `exited with code ${code}` as const),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'started') {
    child.kill('SIGKILL');
    throw new Error(`worker process did not start (${outcome}): ${stderrTail.slice(-1500)}`);
  }
  const pid = child.pid!;
  const rss = sampleProcessRss(pid);
  return {
    pid,
    rss,
    highWaterMark: () => readProcessMemory(pid, 'VmHWM'),
    problems: () => [...problems],
    exited,
    async kill() {
      rss.stop();
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      rss.stop();
      if (child.exitCode !== null) return;
      child.kill('SIGTERM'); // Worker.run() drains and exits on SIGTERM
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
    },
  };
}
