// One long-lived workflow per calendar connection. It loops through sync, token refresh, push-channel
// renewal and pre-meeting reminders, answers messages from the API, and continues as new before its
// history grows large (connection-run.ts). Deterministic: time comes from the SDK's workflow clock, all I/O
// from activities.
import { setHandler } from '@temporalio/workflow';
import { ConnectionRun } from './connection-run';
import {
  cancelMeetingUpdate,
  disconnectSignal,
  editEventUpdate,
  editOccurrenceUpdate,
  freeBusyUpdate,
  listCalendarsUpdate,
  migrateSignal,
  pushLifecycleSignal,
  reconnectSignal,
  rescheduleMeetingUpdate,
  resolveConflictUpdate,
  resolveHeldDeletionsUpdate,
  scheduleMeetingUpdate,
  selectCalendarsUpdate,
  settingsChangedSignal,
  statusQuery,
  syncNowSignal,
  type ConnectionWorkflowInput,
} from './messages';
import { activeAnd, connectedAnd, requireConnected } from './validators';

export { HISTORY_EVENT_LIMIT } from './run-length';

export async function connectionWorkflow(input: ConnectionWorkflowInput): Promise<void> {
  const run = new ConnectionRun(input);
  const state = () => run.state;

  setHandler(syncNowSignal, (request) => run.requestSync(request));
  setHandler(disconnectSignal, () => run.request('disconnect'));
  setHandler(reconnectSignal, () => run.request('reconnect'));
  setHandler(settingsChangedSignal, () => run.request('settings'));
  setHandler(migrateSignal, () => run.request('migrate'));
  setHandler(pushLifecycleSignal, (notice) => run.pushLifecycle(notice));
  setHandler(statusQuery, () => run.status());

  setHandler(scheduleMeetingUpdate, (request) => run.scheduleMeeting(request), { validator: activeAnd('scheduleMeeting', state) });
  setHandler(rescheduleMeetingUpdate, (request) => run.rescheduleMeeting(request), { validator: activeAnd('rescheduleMeeting', state) });
  setHandler(cancelMeetingUpdate, (request) => run.cancelMeeting(request), { validator: activeAnd('cancelMeeting', state) });
  setHandler(editEventUpdate, (request) => run.editEvent(request), { validator: activeAnd('editEvent', state) });
  setHandler(editOccurrenceUpdate, (request) => run.editOccurrence(request), { validator: activeAnd('editOccurrence', state) });
  setHandler(resolveConflictUpdate, (request) => run.resolveConflict(request), { validator: activeAnd('resolveConflict', state) });
  setHandler(listCalendarsUpdate, () => run.listCalendars(), { validator: () => requireConnected(run.state) });
  setHandler(selectCalendarsUpdate, (request) => run.selectCalendars(request), { validator: activeAnd('selectCalendars', state) });
  setHandler(freeBusyUpdate, (window) => run.freeBusy(window), { validator: activeAnd('freeBusy', state) });
  setHandler(resolveHeldDeletionsUpdate, (request) => run.resolveHeldDeletions(request), {
    validator: connectedAnd('resolveHeldDeletions', state),
  });

  await run.run();
}
