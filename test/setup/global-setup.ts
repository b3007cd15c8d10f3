// Starts one real Temporal dev server (the same CLI binary `npm start` uses) for the whole test run. Each
// test file gets its own task queue on it, so files stay independent while sharing the server.
import { freePort } from '../../scripts/lib/free-port';
import { resolveTemporalCli } from '../../scripts/lib/temporal-cli';
import { startTemporalDevServer, type DevServer } from '../../scripts/lib/temporal-dev-server';

declare global {
  // eslint-disable-next-line no-var
  var __TEMPORAL_DEV_SERVER__: DevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  const binary = resolveTemporalCli();
  const server = await startTemporalDevServer({ binary, port: await freePort() });
  globalThis.__TEMPORAL_DEV_SERVER__ = server;
  // Inherited by the jest worker processes, which are forked after global setup.
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
}
