// The calendars of a connected account and the owner's choice among them: which ones are read (sync,
// free/busy, feeds) and which one receives meetings scheduled from the CRM. Both go through the
// connection's workflow (the provider is asked in the worker). A change takes effect without a new
// connection: newly selected calendars get their first full pass at once, and push channels of deselected
// calendars are stopped right away.
//
// Deselecting keeps the calendar's synced events and cursor (re-selecting resumes incrementally); they
// drop out of feeds and free/busy at once. The event listing endpoints still return them.
import { z } from 'zod';
import type { CalendarChoice } from '../../data/calendars';
import { calendarSelectionSchema } from '../../domain/calendar-selection';
import type { CalendarList } from '../../services/connection/calendars';
import { listCalendarsUpdate, selectCalendarsUpdate } from '../../workflows/connection/messages';
import { PERMISSIONS } from '../auth/permissions';
import { connectedConnection } from '../connection-access';
import { answeringFailures } from '../routing/failure-responses';
import { route } from '../routing/route';
import { connectionParams } from '../schemas';

const calendarResponse = z.object({
  externalCalendarId: z.string(),
  name: z.string(),
  timeZone: z.string().nullable(),
  isPrimary: z.boolean(),
  canWrite: z.boolean().nullable().describe('null when the provider could not be asked just now'),
  sync: z.boolean(),
  writeTarget: z.boolean(),
});
export const calendarListResponse = z.object({
  calendars: z.array(calendarResponse),
  refreshed: z.boolean().describe('false: the provider could not be asked; the stored list is shown'),
});

function calendarView(choice: CalendarChoice): z.infer<typeof calendarResponse> {
  return {
    externalCalendarId: choice.externalCalendarId,
    name: choice.name,
    timeZone: choice.timeZone,
    isPrimary: choice.isPrimary,
    canWrite: choice.canWrite,
    sync: choice.syncEnabled,
    writeTarget: choice.isWriteTarget,
  };
}

const listView = (list: CalendarList) => ({ calendars: list.calendars.map(calendarView), refreshed: list.refreshed });

export const calendarRoutes = [
  route({
    method: 'get',
    path: '/v1/connections/{connectionId}/calendars',
    summary: "The account's calendars, freshly listed from the provider, with the owner's choices",
    tag: 'Calendars',
    permission: PERMISSIONS.view,
    params: connectionParams,
    responses: { 200: { description: 'Calendars', schema: calendarListResponse } },
    errors: [404, 409],
  }).handle(async ({ caller, params }, { db, workflows }) => {
    const row = await connectedConnection(db, caller, params.connectionId);
    const list = await answeringFailures('Connection', () => workflows.update(row, listCalendarsUpdate, []));
    return { status: 200, body: listView(list) };
  }),
  route({
    method: 'patch',
    path: '/v1/connections/{connectionId}/calendars',
    summary: 'Choose which calendars sync and which one receives meetings; syncing starts or stops at once',
    tag: 'Calendars',
    permission: PERMISSIONS.connect,
    params: connectionParams,
    body: calendarSelectionSchema,
    responses: { 200: { description: 'Calendars after the change', schema: calendarListResponse } },
    errors: [404, 409],
  }).handle(async ({ caller, params, body }, { db, workflows }) => {
    const row = await connectedConnection(db, caller, params.connectionId);
    const list = await answeringFailures('Connection', () => workflows.update(row, selectCalendarsUpdate, [{ selection: body }]));
    return { status: 200, body: listView(list) };
  }),
];
