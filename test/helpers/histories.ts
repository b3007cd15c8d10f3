// Records the histories of the workflows a test file ran, for the replay test. Runs only when
// RECORD_HISTORIES=1 (npm run test:record-histories); the recorded files are committed, named
// <prefix>-<RECORD_HISTORIES_LABEL>-<n>, so histories of older workflow versions stay beside newer ones and
// keep guarding the patched() branches. Exported with the
// Temporal CLI (`temporal workflow show --output json`), the format the SDK's replayer reads.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestStack } from './stack';

export const HISTORIES_DIR = path.join(__dirname, '..', 'workflows', 'histories');

export async function recordHistoriesIfAsked(stack: TestStack, prefix: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const executions: Array<{ workflowId: string; runId: string; type: string }> = [];
  for await (const execution of stack.temporal.workflow.list({ query: `TaskQueue = '${stack.taskQueue}'` })) {
    executions.push({ workflowId: execution.workflowId, runId: execution.runId, type: execution.type });
  }
  executions.forEach((execution, index) => {
    writeHistory(execution, `${prefix}${labelPart()}-${String(index).padStart(2, '0')}-${execution.type}.json`);
  });
}

/** One workflow's history (its latest run unless `runId` names one), recorded as `<name>-<label>-<type>.json`. */
export function recordWorkflowHistoryIfAsked(execution: { workflowId: string; runId?: string; type: string }, name: string): void {
  if (process.env.RECORD_HISTORIES !== '1') return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeHistory(execution, `${name}${labelPart()}-${execution.type}.json`);
}

const labelPart = () => (process.env.RECORD_HISTORIES_LABEL ? `-${process.env.RECORD_HISTORIES_LABEL}` : '');

function writeHistory(execution: { workflowId: string; runId?: string }, fileName: string): void {
  const json = execFileSync(
    process.env.TEMPORAL_TEST_BINARY!,
    [
      'workflow',
      'show',
      '--address',
      process.env.TEMPORAL_TEST_ADDRESS!,
      '--workflow-id',
      execution.workflowId,
      ...(execution.runId ? ['--run-id', execution.runId] : []),
      '--output',
      'json',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  writeFileSync(path.join(HISTORIES_DIR, fileName), json);
}
