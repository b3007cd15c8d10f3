// The Temporal server a benchmark runs against: BENCH_TEMPORAL_ADDRESS when given (an already running
// cluster), otherwise a fresh `temporal server start-dev` from the project's resolved CLI binary, on a free
// loopback port, stopped at the end. In memory, or in a database file when the benchmark restarts the server
// (the chaos run): then `restart()` stops it and starts it again on the same port with the same state.
import { freePort } from '../../scripts/lib/free-port';
import { resolveTemporalCli } from '../../scripts/lib/temporal-cli';
import { startTemporalDevServer, type DevServer } from '../../scripts/lib/temporal-dev-server';
import { readProcessCpuSeconds } from './measure';

export interface BenchTemporal {
  address: string;
  /** Stops the server and starts it again on the same address; only for a server started with `dbFile`. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** CPU time the server process has used so far (seconds); undefined for a server this benchmark did not start. */
  cpuSeconds(): number | undefined;
}

export async function startBenchTemporal(options: { dbFile?: string } = {}): Promise<BenchTemporal> {
  const existing = process.env.BENCH_TEMPORAL_ADDRESS;
  if (existing) {
    const refuse = async () => {
      throw new Error('BENCH_TEMPORAL_ADDRESS names a server this benchmark did not start: it cannot restart it');
    };
    return { address: existing, restart: refuse, stop: async () => undefined, cpuSeconds: () => undefined };
  }
  const start = (port: number) => startTemporalDevServer({ binary: resolveTemporalCli(), port, dbFile: options.dbFile });
  let server: DevServer = await start(await freePort());
  const port = Number(server.address.split(':').pop());
  return {
    address: server.address,
    async restart() {
      if (!options.dbFile) throw new Error('an in-memory Temporal dev server would lose every workflow on a restart');
      await server.stop();
      server = await start(port);
    },
    stop: () => server.stop(),
    cpuSeconds: () => (server.process.pid === undefined ? undefined : readProcessCpuSeconds(server.process.pid)),
  };
}
