// The Temporal dev server restarted once, at a given instant of the chaos window: stopped (SIGTERM), then
// started again on the same port with the same database file. Nobody tells the worker or the API: their
// connections must find the server again by themselves. Measured: the downtime, and from the restart until a
// workflow answers a query through the API's own client (client reconnected AND a worker polling again).
import { pollUntil, sleep } from '../lib/measure';
import type { BenchService } from '../lib/service';

export interface TemporalRestartReport {
  downSeconds: number;
  /** From the server being up again until a status query answered; undefined when none did within the bound. */
  answeringAfterSeconds?: number;
}

const ANSWER_BOUND_MS = 5 * 60_000;

export async function restartTemporalAt(
  service: BenchService,
  instantMs: number,
  probeWorkflowId: string,
  log: (line: string) => void,
): Promise<TemporalRestartReport> {
  await sleep(instantMs);
  const stoppedAt = Date.now();
  log(`    restarting the Temporal dev server`);
  await service.temporalServer.restart();
  const upAt = Date.now();
  const downSeconds = (upAt - stoppedAt) / 1000;
  const answered = await pollUntil(
    () =>
      service.status(probeWorkflowId).then(
        () => true,
        () => false,
      ),
    (ok) => ok,
    { timeoutMs: ANSWER_BOUND_MS, intervalMs: 500 },
  );
  const answeringAfterSeconds = answered.ok ? (Date.now() - upAt) / 1000 : undefined;
  log(
    `    Temporal down ${downSeconds.toFixed(1)} s; a workflow answered a query ` +
      (answeringAfterSeconds === undefined ? `NOT within ${ANSWER_BOUND_MS / 1000} s` : `${answeringAfterSeconds.toFixed(1)} s after`),
  );
  return { downSeconds, answeringAfterSeconds };
}
