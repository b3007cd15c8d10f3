// npm run build:workflow-bundle [-- <path>] — the workflow code bundled ahead of time (default
// dist/workflow-bundle.js), for WORKFLOW_BUNDLE_PATH: a worker given it starts without bundling.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_OPTIONS } from '../worker/create-worker';

async function main(): Promise<void> {
  const target = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  const { code } = await bundleWorkflowCode(WORKFLOW_BUNDLE_OPTIONS);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, code);
  console.log(`workflow bundle written to ${target} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
