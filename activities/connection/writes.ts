// Activities of CRM-side writes: meetings, edits of synced events and series, conflict resolution. Each
// runs inside the connection workflow's lock (scheduling excepted, see the workflow).
import { Context } from '@temporalio/activity';
import { editEvent, resolveConflict } from '../../services/connection/writes/event-edits';
import { cancelMeeting, rescheduleMeeting, scheduleMeeting } from '../../services/connection/writes/meetings';
import { applyOccurrenceEdit, planOccurrenceEdit } from '../../services/connection/writes/occurrence-edits';
import type { ServiceDependencies } from '../../services/dependencies';
import type { ConnectionActivities } from './types';

type WriteActivities = Pick<
  ConnectionActivities,
  'scheduleMeeting' | 'rescheduleMeeting' | 'cancelMeeting' | 'editEvent' | 'resolveConflict' | 'planOccurrenceEdit' | 'applyOccurrenceEdit'
>;

/** When the workflow asked for this change: the CRM side's time in last-write-wins (stable across retries). */
const requestedAt = () => Context.current().info.scheduledTimestampMs;

export function writeActivities(deps: ServiceDependencies): WriteActivities {
  return {
    scheduleMeeting: (input) => scheduleMeeting(deps, input),
    rescheduleMeeting: (input) => rescheduleMeeting(deps, { ...input, requestedAt: requestedAt() }),
    cancelMeeting: (input) => cancelMeeting(deps, { ...input, requestedAt: requestedAt() }),
    editEvent: (input) => editEvent(deps, input),
    resolveConflict: (input) => resolveConflict(deps, input),
    planOccurrenceEdit: (input) => planOccurrenceEdit(deps, input),
    applyOccurrenceEdit: (input) => applyOccurrenceEdit(deps, input),
  };
}
