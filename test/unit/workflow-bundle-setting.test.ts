// WORKFLOW_BUNDLE_PATH names a prebuilt bundle: a path with nothing there stops the worker with a message
// naming the setting and the command that builds it, not the SDK's bare file error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workflowBundleFor } from '../../worker/create-worker';

describe('WORKFLOW_BUNDLE_PATH', () => {
  it('refuses a path with no bundle, naming the setting and how to build it', async () => {
    const missing = path.join(os.tmpdir(), `no-bundle-${process.pid}.js`);
    await expect(workflowBundleFor(missing)).rejects.toThrow(
      `WORKFLOW_BUNDLE_PATH: no file at ${missing}; build it with \`npm run build:workflow-bundle\``,
    );
  });

  it('uses the file when it is there', async () => {
    const bundle = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-')), 'workflow-bundle.js');
    fs.writeFileSync(bundle, '// a bundle');
    await expect(workflowBundleFor(bundle)).resolves.toEqual({ codePath: bundle });
  });
});
