// Stops the shared Temporal dev server and removes the workflow bundle global setup wrote.
import { rmSync } from 'node:fs';
import path from 'node:path';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__TEMPORAL_DEV_SERVER__?.stop();
  const bundle = process.env.TEST_WORKFLOW_BUNDLE;
  if (bundle) rmSync(path.dirname(bundle), { recursive: true, force: true });
}
