// Activities that read the account for the API: its calendars (and the owner's selection) and free/busy,
// so every provider call for a connection runs in the worker, behind the connection's workflow.
import { loadActiveConnection } from '../../data/connections';
import { selectCalendars } from '../../services/connection/calendar-selection';
import { listCalendars } from '../../services/connection/calendars';
import { busyOfSelectedCalendars } from '../../services/connection/freebusy';
import { ensurePushChannels, repairPushChannel, stopPushChannels } from '../../services/connection/push-channels';
import type { ServiceDependencies } from '../../services/dependencies';
import type { ConnectionActivities } from './types';

type CalendarActivities = Pick<
  ConnectionActivities,
  'listCalendars' | 'selectCalendars' | 'freeBusyOfConnection' | 'ensurePushChannels' | 'repairPushChannel' | 'stopPushChannels'
>;

export function calendarActivities(deps: ServiceDependencies): CalendarActivities {
  return {
    listCalendars: async ({ connectionId, askProvider }) =>
      listCalendars(deps, await loadActiveConnection(deps.db, connectionId), { askProvider }),
    selectCalendars: async ({ connectionId, selection }) =>
      selectCalendars(deps, await loadActiveConnection(deps.db, connectionId), selection),
    freeBusyOfConnection: (input) => busyOfSelectedCalendars(deps, input),
    ensurePushChannels: (connectionId) => ensurePushChannels(deps, connectionId),
    repairPushChannel: (input) => repairPushChannel(deps, input),
    stopPushChannels: (connectionId) => stopPushChannels(deps, connectionId),
  };
}
