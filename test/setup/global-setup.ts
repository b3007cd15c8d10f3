// Starts one real Temporal dev server (the same CLI binary `npm start` uses) for the whole test run and
// bundles the workflow code once. Each test file gets its own task queue on the server, so files stay
// independent while sharing it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { freePort } from '../../scripts/lib/free-port';
import { resolveTemporalCli } from '../../scripts/lib/temporal-cli';
import { startTemporalDevServer, type DevServer } from '../../scripts/lib/temporal-dev-server';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../worker/create-worker';

declare global {
  var __TEMPORAL_DEV_SERVER__: DevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  const binary = resolveTemporalCli();
  const [server, bundle] = await Promise.all([
    startTemporalDevServer({ binary, port: await freePort() }),
    bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: new DefaultLogger('WARN') }),
  ]);
  globalThis.__TEMPORAL_DEV_SERVER__ = server;
  const bundlePath = path.join(mkdtempSync(path.join(os.tmpdir(), 'calsync-bundle-')), 'workflows.js');
  writeFileSync(bundlePath, bundle.code);
  // Inherited by the jest worker processes, which are forked after global setup.
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  process.env.TEMPORAL_TEST_BINARY = binary;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
}
