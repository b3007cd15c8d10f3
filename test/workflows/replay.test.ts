// Replays committed histories (recorded from the integration tests) against the current workflow code.
// A change that is not replay-compatible (new commands in a different order, a removed timer...) fails
// here; such changes must go behind `patched()`. Record new histories with `npm run test:record-histories`.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { temporalDataConverter } from '../../services/attendee-sealing-codec';
import { HISTORIES_DIR } from '../helpers/histories';
import { TEST_KEYRING } from '../helpers/test-keyring';

const files = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));

describe('workflow replay', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('replays every recorded history deterministically against the current code', async () => {
    const histories = files.map((file) => ({
      workflowId: path.basename(file, '.json'),
      history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'))),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! }, dataConverter: temporalDataConverter(TEST_KEYRING) },
      histories,
    )) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
