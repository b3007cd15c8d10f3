// The Temporal server a benchmark runs against: BENCH_TEMPORAL_ADDRESS when given (an already running
// cluster), otherwise a fresh in-memory `temporal server start-dev` from the project's resolved CLI binary,
// on a free loopback port, stopped at the end.
import { freePort } from '../../scripts/lib/free-port';
import { resolveTemporalCli } from '../../scripts/lib/temporal-cli';
import { startTemporalDevServer } from '../../scripts/lib/temporal-dev-server';

export interface BenchTemporal {
  address: string;
  stop(): Promise<void>;
}

export async function startBenchTemporal(): Promise<BenchTemporal> {
  const existing = process.env.BENCH_TEMPORAL_ADDRESS;
  if (existing) return { address: existing, stop: async () => undefined };
  const server = await startTemporalDevServer({ binary: resolveTemporalCli(), port: await freePort() });
  return { address: server.address, stop: () => server.stop() };
}
