// A workflow's history across continue-as-new: each run's events, oldest run first (event ids restart in each run). Each run's first event
// names the run it continued (`continuedExecutionRunId`), so the chain is followed back from the current run
// without asking visibility (which may lag a run that just started).
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** At most this many runs are followed back (a test's or a benchmark's workflow has far fewer). */
const MAX_RUNS = 1_000;

export async function eventsOfEachRun(client: Client, workflowId: string): Promise<HistoryEvent[][]> {
  const runs: HistoryEvent[][] = [];
  let runId: string | undefined;
  for (let run = 0; run < MAX_RUNS; run++) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    runs.unshift(events);
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    if (!runId) return runs;
  }
  throw new Error(`${workflowId}: more than ${MAX_RUNS} runs`);
}
