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
const QUERY_BOUND_MS = 15_000;

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
  // Each query bounded (a query sent to a worker that is then killed waits for its task to time out); the
  // errors seen meanwhile are counted by message, to tell an unreachable server from a busy workflow.
  const errors = new Map<string, number>();
  const answered = await pollUntil(
    () =>
      Promise.race([
        service.status(probeWorkflowId).then(() => true),
        sleep(QUERY_BOUND_MS).then(() => Promise.reject(new Error(`no answer within ${QUERY_BOUND_MS / 1000} s`))),
      ]).catch((error: unknown) => {
        const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 120);
        errors.set(message, (errors.get(message) ?? 0) + 1);
        return false;
      }),
    (ok) => ok,
    { timeoutMs: ANSWER_BOUND_MS, intervalMs: 500 },
  );
  if (errors.size) log(`    queries that failed meanwhile: ${[...errors].map(([message, n]) => `${n}x "${message}"`).join('; ')}`);
  const answeringAfterSeconds = answered.ok ? (Date.now() - upAt) / 1000 : undefined;
  log(
    `    Temporal down ${downSeconds.toFixed(1)} s; a workflow answered a query ` +
      (answeringAfterSeconds === undefined ? `NOT within ${ANSWER_BOUND_MS / 1000} s` : `${answeringAfterSeconds.toFixed(1)} s after`),
  );
  return { downSeconds, answeringAfterSeconds };
}
