// Records the histories of the workflows a test file ran, for the replay test. Runs only when
// RECORD_HISTORIES=1 (npm run test:record-histories); the recorded files are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestStack } from './stack';

export const HISTORIES_DIR = path.join(__dirname, '..', 'workflows', 'histories');

export async function recordHistoriesIfAsked(stack: TestStack, prefix: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  let index = 0;
  for await (const execution of stack.temporal.workflow.list({ query: `TaskQueue = '${stack.taskQueue}'` })) {
    const handle = stack.temporal.workflow.getHandle(execution.workflowId, execution.runId);
    const history = await handle.fetchHistory();
    const file = path.join(HISTORIES_DIR, `${prefix}-${String(index++).padStart(2, '0')}-${execution.type}.json`);
    writeFileSync(file, historyToJSON(history));
  }
}
