// The worker process killed with SIGKILL at random instants of the chaos window, and started again each time
// (as an orchestrator would), plus a watch for the worker dying on its own (e.g. when it cannot reach Temporal):
// that is a finding, counted and reported, and the worker is started again so the run can go on.
// A kill waits until the worker has been up for `minUptimeMs`: a worker killed while it still bundles its
// workflows has run nothing, and kills closer together than a restart takes would only keep the worker down
// (on a loaded 2-core machine a restart takes 15-60 s). So the kills may outlast the window they were drawn in.
import { sleep } from '../lib/measure';
import type { BenchService } from '../lib/service';
import type { WorkerProcess } from '../../test/helpers/worker-process';

export interface WorkerKillReport {
  kills: number;
  /** When each kill happened, ms from the start of the window. */
  killedAtMs: number[];
  /** Seconds from each kill until the new worker logged "worker started". */
  restartSeconds: number[];
  /** Exits nobody asked for, with their exit codes. */
  ownExits: Array<number | null>;
  /** Failed attempts to start a worker (e.g. while the Temporal server was down); each was tried again. */
  failedStarts: number;
}

export interface WorkerKills {
  /** Resolves when every kill is done and a worker is running again. */
  done: Promise<WorkerKillReport>;
  /** Stops watching for own exits (call after `done`, before the service closes). */
  stopWatching(): void;
}

export function killWorkerAt(service: BenchService, instantsMs: number[], minUptimeMs: number, log: (line: string) => void): WorkerKills {
  const report: WorkerKillReport = { kills: 0, killedAtMs: [], restartSeconds: [], ownExits: [], failedStarts: 0 };
  const start = Date.now();
  let upSince = Date.now();
  let killing = false;
  let watching = true;

  /** Kill (a no-op when already dead) and start again, retrying the start until a worker runs. */
  const replace = async (): Promise<WorkerProcess> => {
    for (;;) {
      try {
        const worker = await service.killAndRestartWorker();
        upSince = Date.now();
        return worker;
      } catch (error) {
        report.failedStarts += 1;
        log(`    worker start failed (${(error as Error).message.split('\n')[0]!.slice(0, 160)}); trying again`);
        await sleep(2_000);
      }
    }
  };

  const watch = (worker: WorkerProcess) => {
    void worker.exited.then(async (code) => {
      if (!watching || killing || service.worker !== worker) return;
      report.ownExits.push(code);
      log(`    the worker exited by itself (code ${code}) at ${((Date.now() - start) / 1000).toFixed(0)} s; starting it again`);
      killing = true;
      watch(await replace());
      killing = false;
    });
  };
  watch(service.worker);

  const done = (async () => {
    for (const instant of instantsMs) {
      await sleep(instant - (Date.now() - start));
      while (killing || Date.now() - upSince < minUptimeMs) await sleep(200);
      killing = true;
      const killedAt = Date.now();
      report.killedAtMs.push(killedAt - start);
      const worker = await replace();
      report.kills += 1;
      report.restartSeconds.push((Date.now() - killedAt) / 1000);
      killing = false;
      watch(worker);
    }
    return report;
  })();
  return { done, stopWatching: () => void (watching = false) };
}
