// Where a scheduled meeting's time goes, hop by hop, read from the connection workflows' histories (the
// Temporal server stamps every event; the benchmark, server, API and worker share one clock on one box).
// For each request the driver knows when it sent the HTTP request and when the answer arrived; the history
// gives when the update was accepted (the worker ran the handler), when the activity was scheduled,
// started and completed, and when the update completed. Updates and their activities are paired in order
// within one workflow: the handler schedules its activity in the activation that accepts it.
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { formatMs, percentile } from '../lib/measure';
import { eventsOfEachRun } from '../../test/helpers/workflow-runs';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface SentRequest {
  workflowId: string;
  /** Epoch ms the HTTP request was sent and its answer arrived (Date.now(), the server's clock too). */
  sentAt: number;
  answeredAt: number;
  /** Answered 201 (failed requests are paired too, so the ones after them pair right, but not counted). */
  ok: boolean;
}

export const HOPS = [
  ['api_to_accepted', 'HTTP + auth + idempotency key + update RPC until the worker accepted the update'],
  ['accepted_to_scheduled', 'update handler until its activity was scheduled (workflow task completed)'],
  ['schedule_to_start', 'activity task waiting in the task queue until a worker slot started it'],
  ['activity', 'the scheduleMeeting activity: database reads, provider call, database write'],
  ['completed_to_update_done', 'activity result until the update completed (another workflow task)'],
  ['update_done_to_answer', 'update result back to the API (long poll) and the HTTP answer'],
] as const;
export type Hop = (typeof HOPS)[number][0];

function millis(event: HistoryEvent): number {
  const time = event.eventTime!;
  return Number(time.seconds ?? 0) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
}

/** One request's hops, in order, from its history events. */
interface Timeline {
  accepted: number;
  scheduled: number;
  started: number;
  completed: number;
  updateDone: number;
}

/** The timelines of every scheduleMeeting update in one history, in the order they were accepted. */
function timelines(events: HistoryEvent[]): Timeline[] {
  const byId = new Map(events.map((event) => [Number(event.eventId), event]));
  const accepted = events.filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes);
  const scheduled = events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'scheduleMeeting');
  const completedByScheduled = new Map<number, HistoryEvent>();
  const startedByScheduled = new Map<number, HistoryEvent>();
  for (const event of events) {
    const done = event.activityTaskCompletedEventAttributes;
    if (done) completedByScheduled.set(Number(done.scheduledEventId), event);
    const started = event.activityTaskStartedEventAttributes;
    if (started) startedByScheduled.set(Number(started.scheduledEventId), event);
  }
  const doneByAccepted = new Map<number, HistoryEvent>();
  for (const event of events) {
    const done = event.workflowExecutionUpdateCompletedEventAttributes;
    if (done) doneByAccepted.set(Number(done.acceptedEventId), event);
  }
  const meetings = accepted.filter(
    (event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'scheduleMeeting',
  );
  const result: Timeline[] = [];
  meetings.forEach((acceptedEvent, index) => {
    const scheduledEvent = scheduled[index];
    if (!scheduledEvent) return;
    const id = Number(scheduledEvent.eventId);
    const started = startedByScheduled.get(id);
    const completed = completedByScheduled.get(id);
    const done = doneByAccepted.get(Number(acceptedEvent.eventId));
    if (!started || !completed || !done || !byId.has(id)) return;
    result.push({
      accepted: millis(acceptedEvent),
      scheduled: millis(scheduledEvent),
      started: millis(started),
      completed: millis(completed),
      updateDone: millis(done),
    });
  });
  return result;
}

/**
 * Pairs each sent request with its timeline (per workflow, in order of sending: requests to one workflow
 * are accepted in the order they arrive, near enough at 2.5 per second per workflow) and returns the hops.
 */
export async function hopsOf(temporalClient: Client, requests: SentRequest[]): Promise<Record<Hop, number[]>> {
  const hops = Object.fromEntries(HOPS.map(([name]) => [name, [] as number[]])) as Record<Hop, number[]>;
  const byWorkflow = new Map<string, SentRequest[]>();
  for (const request of requests) byWorkflow.set(request.workflowId, [...(byWorkflow.get(request.workflowId) ?? []), request]);
  for (const [workflowId, sent] of byWorkflow) {
    // Every run's (the workflow continues as new every dozen or so meetings), oldest first.
    const lines = (await eventsOfEachRun(temporalClient, workflowId)).flatMap(timelines);
    // The last N timelines are this phase's (earlier ones belong to the warm-up or another phase).
    const mine = lines.slice(-sent.length);
    const ordered = [...sent].sort((a, b) => a.sentAt - b.sentAt);
    mine.forEach((line, index) => {
      const request = ordered[index]!;
      if (!request.ok) return;
      hops.api_to_accepted.push(line.accepted - request.sentAt);
      hops.accepted_to_scheduled.push(line.scheduled - line.accepted);
      hops.schedule_to_start.push(line.started - line.scheduled);
      hops.activity.push(line.completed - line.started);
      hops.completed_to_update_done.push(line.updateDone - line.completed);
      hops.update_done_to_answer.push(request.answeredAt - line.updateDone);
    });
  }
  return hops;
}

export function printHops(label: string, hops: Record<Hop, number[]>): void {
  console.log(`  hops, ${label} (p50 / p99, ms; ${hops.activity.length} requests):`);
  for (const [name, meaning] of HOPS) {
    const [p50, p99] = [50, 99].map((p) => formatMs(percentile(hops[name], p)).padStart(9));
    console.log(`    ${name.padEnd(26)} ${p50} / ${p99}  ${meaning}`);
  }
}
