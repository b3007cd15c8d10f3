// Connects many sandbox accounts through the OAuth flow with a few concurrent "users", bounded in time. A
// failed callback is retried (as a user would click again) up to `attempts` times; failures are counted by
// reason so a benchmark can report them honestly instead of hiding them.
import { now, secondsSince } from './measure';
import type { BenchService } from './service';

export interface Connected {
  email: string;
  connectionId: string;
  workflowId: string;
}

export interface ConnectManyResult {
  connected: Connected[];
  failedAttempts: number;
  gaveUp: number;
  failures: Map<string, number>;
  seconds: number;
  /** True when the time bound stopped connecting before every account was tried. */
  stoppedByBound: boolean;
}

/** The last meaningful line of an error (Prisma errors start with a code frame). */
export function shortReason(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error))
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (lines[lines.length - 1] ?? 'unknown').slice(0, 160);
}

export async function connectMany(
  service: BenchService,
  emails: string[],
  options: { concurrency: number; boundSeconds: number; attempts: number; organizationId: string },
): Promise<ConnectManyResult> {
  const connected: Connected[] = [];
  const failures = new Map<string, number>();
  let failedAttempts = 0;
  let gaveUp = 0;
  const start = now();
  const deadline = Date.now() + options.boundSeconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < emails.length && Date.now() < deadline) {
        const email = emails[next++]!;
        for (let attempt = 1; ; attempt++) {
          try {
            const done = await service.connect({ provider: 'google', email, organizationId: options.organizationId, userId: email });
            connected.push({ email, ...done });
            break;
          } catch (error) {
            failedAttempts += 1;
            const reason = shortReason(error);
            failures.set(reason, (failures.get(reason) ?? 0) + 1);
            if (attempt >= options.attempts || Date.now() >= deadline) {
              gaveUp += 1;
              break;
            }
          }
        }
      }
    }),
  );
  return { connected, failedAttempts, gaveUp, failures, seconds: secondsSince(start), stoppedByBound: next < emails.length };
}

/** "3x "reason"; 1x "other"" for a log line. */
export function describeFailures(failures: Map<string, number>): string {
  return [...failures].map(([reason, n]) => `${n}x "${reason}"`).join('; ');
}

/** The log line of a connectMany run: how many connected, how fast, and every failure by reason. */
export function describeConnectOutcome(outcome: ConnectManyResult, total: number, concurrency: number, boundSeconds: number): string {
  const { connected, seconds } = outcome;
  return (
    `  connected ${connected.length}/${total} in ${seconds.toFixed(0)} s (${(connected.length / seconds).toFixed(1)}/s, ` +
    `${concurrency} at a time)${outcome.stoppedByBound ? `; stopped by the ${boundSeconds} s bound` : ''}` +
    (outcome.failedAttempts
      ? `; ${outcome.failedAttempts} failed attempts, ${outcome.gaveUp} gave up: ${describeFailures(outcome.failures)}`
      : '')
  );
}
