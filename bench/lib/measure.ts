// Measuring helpers shared by the benchmarks: a monotonic clock, percentiles, and RSS samplers (for this
// process, or for a child process read from /proc, so a worker's memory is not mixed with the driver's).
import fs from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export const MiB = 1024 * 1024;

/** Seconds since `start` (from `now()`). */
export function now(): bigint {
  return process.hrtime.bigint();
}
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
export function millisSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Nearest-rank percentile of unsorted values (p in 0..100); NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function formatMs(ms: number): string {
  return Number.isNaN(ms) ? 'n/a' : ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

export function formatMiB(bytes: number): string {
  return `${(bytes / MiB).toFixed(0)} MiB`;
}

export interface RssSampler {
  /** Highest RSS seen since start (or the last reset). */
  peak(): number;
  /** Latest sample. */
  current(): number;
  reset(): void;
  stop(): void;
}

/** Samples `read()` every `intervalMs`; the timer is unref'd so it never keeps a process alive. */
function sampler(read: () => number | undefined, intervalMs: number): RssSampler {
  let peak = 0;
  let last = 0;
  const sample = () => {
    const value = read();
    if (value === undefined) return;
    last = value;
    peak = Math.max(peak, value);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    peak: () => (sample(), peak),
    current: () => (sample(), last),
    reset: () => {
      peak = 0;
      sample();
    },
    stop: () => clearInterval(timer),
  };
}

export function sampleOwnRss(intervalMs = 20): RssSampler {
  return sampler(() => process.memoryUsage().rss, intervalMs);
}

/** VmRSS (or VmHWM, the kernel's own peak) of another process, in bytes; undefined once it is gone. */
export function readProcessMemory(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU time (user + system) another process has used so far, in seconds, from /proc/<pid>/stat; undefined once
 * it is gone. Two readings over a wall-clock interval give its average CPU use (1.0 = one core busy).
 */
export function readProcessCpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime and stime: fields 14 and 15 of the whole line
    return ticks / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK); /proc reports CPU time in these ticks. */
const CLOCK_TICKS_PER_SECOND = 100;

export function sampleProcessRss(pid: number, intervalMs = 250): RssSampler {
  return sampler(() => readProcessMemory(pid), intervalMs);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until `accept` holds or `timeoutMs` passes; returns the last value and whether it held. */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<{ value: T; ok: boolean }> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return { value, ok: true };
    if (Date.now() >= deadline) return { value, ok: false };
    await sleep(options.intervalMs ?? 50);
  }
}

/**
 * Runs `task` at a fixed rate for `durationMs` (open loop: a slow answer does not delay the next start, as
 * with real independent callers). Resolves when every started task has settled.
 */
export async function runAtFixedRate<T>(
  ratePerSecond: number,
  durationMs: number,
  task: (index: number) => Promise<T>,
): Promise<{ results: Array<{ ms: number; ok: boolean; value?: T; error?: unknown }>; wallSeconds: number }> {
  const total = Math.max(1, Math.floor((ratePerSecond * durationMs) / 1000));
  const interval = 1000 / ratePerSecond;
  const started = now();
  const pending: Array<Promise<{ ms: number; ok: boolean; value?: T; error?: unknown }>> = [];
  for (let i = 0; i < total; i++) {
    // Sleep until this request's slot (absolute schedule, so timer drift does not accumulate).
    const wait = i * interval - millisSince(started);
    if (wait > 0) await sleep(wait);
    const t0 = now();
    pending.push(
      task(i).then(
        (value) => ({ ms: millisSince(t0), ok: true, value }),
        (error: unknown) => ({ ms: millisSince(t0), ok: false, error }),
      ),
    );
  }
  const results = await Promise.all(pending);
  return { results, wallSeconds: secondsSince(started) };
}

/** Cores and load averages, printed with every result: figures from a busy machine are not comparable. */
export function machineLine(): string {
  const [one, five] = os.loadavg();
  return `${os.cpus().length} cores, load average ${one!.toFixed(1)} (1 min) / ${five!.toFixed(1)} (5 min)`;
}

/** CPU seconds each named process used between `start` and `stop` (this process: `process.cpuUsage()`). */
export function processCpuMeter(readers: Record<string, () => number | undefined>): { stop(): Record<string, number> } {
  const read = () => Object.fromEntries(Object.entries(readers).map(([name, reader]) => [name, reader() ?? Number.NaN]));
  const before = read();
  return {
    stop() {
      const after = read();
      return Object.fromEntries(Object.keys(readers).map((name) => [name, after[name]! - before[name]!]));
    },
  };
}

/** This process's CPU time so far (user + system), in seconds. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/**
 * How long this process's event loop was held up (ms), sampled every 10 ms: the benchmark process runs the API
 * and the fakes, so a blocked loop shows up as slow provider answers and timeouts.
 */
export function eventLoopDelayMeter(): { stop(): { p99Ms: number; maxMs: number } } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      return { p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 };
    },
  };
}
