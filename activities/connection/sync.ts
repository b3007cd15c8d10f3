// Activities of inbound sync and reminders. A sync heartbeats after every committed page and stops between
// pages when cancelled (e.g. the worker shuts down): the next attempt resumes from the last committed page.
import { Context, heartbeat } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { listUpcomingMeetings } from '../../data/upcoming-meetings';
import { resolveHeldDeletions } from '../../services/connection/held-deletions';
import { deliverReminder } from '../../services/connection/reminders';
import { syncConnection } from '../../services/connection/sync/sync-connection';
import type { ServiceDependencies } from '../../services/dependencies';
import type { ConnectionActivities } from './types';

const progress = {
  afterPage(position: { calendarId: string; pages: number }) {
    heartbeat(position);
    if (Context.current().cancellationSignal.aborted) throw new CancelledFailure('sync interrupted; resumes from the last committed page');
  },
};

export function syncActivities(
  deps: ServiceDependencies,
): Pick<ConnectionActivities, 'syncConnection' | 'listUpcomingMeetings' | 'deliverReminder' | 'resolveHeldDeletions'> {
  return {
    resolveHeldDeletions: (input) => resolveHeldDeletions(deps, input),
    syncConnection: (input) => syncConnection(deps, input, progress),
    listUpcomingMeetings: (input) => listUpcomingMeetings(deps.db, input),
    deliverReminder: (input) => deliverReminder(deps, input),
  };
}
