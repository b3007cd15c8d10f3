// The calendars of a connected account and the owner's choice among them: which ones are read (sync,
// free/busy, feeds) and which one receives meetings scheduled from the CRM. A change takes effect without a
// new connection: the workflow is asked to sync at once (newly selected calendars get their first full
// pass), and push channels of deselected calendars are stopped right away.
//
// Deselecting keeps the calendar's synced events and cursor (re-selecting resumes incrementally); they
// drop out of feeds and free/busy at once. The event listing endpoints still return them.
import { Router } from 'express';
import { z } from 'zod';
import { choiceOf, refreshCalendars, saveCalendarSelection, type CalendarChoice } from '../../activities/connection/connection-rows';
import { stopDeselectedPushChannels } from '../../activities/connection/push';
import { isProviderError } from '../../providers/errors';
import { ConnectionGoneError } from '../../services/token-service';
import { syncNowSignal } from '../../workflows/connection/messages';
import { requirePermission } from '../auth/middleware';
import { PERMISSIONS } from '../auth/permissions';
import { ownedConnection } from '../connection-access';
import type { ApiContext } from '../dependencies';
import { ApiError } from '../errors';
import { standardErrors, type RouteDoc } from '../route-docs';
import { connectionParams, noQuery } from '../schemas';
import { parseInput } from '../validation';
import { signalConnection } from '../workflow-signals';

const externalCalendarId = z.string().min(1).max(1024);

export const calendarSelectionBody = z
  .strictObject({
    sync: z
      .array(externalCalendarId)
      .min(1, { error: 'select at least one calendar' })
      .max(100)
      .optional()
      .describe('Exactly the calendars to read; all others stop syncing'),
    writeTarget: externalCalendarId.optional().describe('The calendar that receives scheduled meetings (must be writable)'),
  })
  .refine((body) => body.sync !== undefined || body.writeTarget !== undefined, { error: 'give sync, writeTarget or both' });

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

export const calendarRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/connections/{connectionId}/calendars',
    summary: "The account's calendars, freshly listed from the provider, with the owner's choices",
    tag: 'Calendars',
    auth: true,
    permission: PERMISSIONS.view,
    params: connectionParams,
    query: noQuery,
    responses: { 200: { description: 'Calendars', schema: calendarListResponse }, ...standardErrors([404, 409]) },
  },
  {
    method: 'patch',
    path: '/v1/connections/{connectionId}/calendars',
    summary: 'Choose which calendars sync and which one receives meetings; syncing starts or stops at once',
    tag: 'Calendars',
    auth: true,
    permission: PERMISSIONS.connect,
    params: connectionParams,
    query: noQuery,
    body: calendarSelectionBody,
    responses: { 200: { description: 'Calendars after the change', schema: calendarListResponse }, ...standardErrors([404, 409]) },
  },
];

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

function providerFailure(error: unknown): ApiError | undefined {
  if (error instanceof ConnectionGoneError) return new ApiError(409, 'connection_disconnected', 'The connection is disconnected');
  if (isProviderError(error, 'access_revoked')) return new ApiError(409, 'needs_reconnect', 'The account must be reconnected first');
  if (isProviderError(error))
    return new ApiError(503, 'provider_unavailable', 'The calendar provider could not be asked; try again shortly', undefined, {
      'Retry-After': '5',
    });
  return undefined;
}

export function calendarsRouter(ctx: ApiContext): Router {
  const { db, providers, tokens, logger } = ctx;
  const router = Router();

  async function activeOwned(
    response: Parameters<typeof requirePermission>[0],
    connectionId: string,
    permission: (typeof PERMISSIONS)[keyof typeof PERMISSIONS],
  ) {
    const caller = requirePermission(response, permission);
    const row = await ownedConnection(db, caller, connectionId);
    if (row.status === 'disconnected') throw new ApiError(409, 'connection_disconnected', 'The connection is disconnected');
    return row;
  }

  router.get('/v1/connections/:connectionId/calendars', async (request, response) => {
    requirePermission(response, PERMISSIONS.view);
    const { connectionId } = parseInput(connectionParams, request.params, 'params');
    parseInput(noQuery, request.query, 'query');
    const row = await activeOwned(response, connectionId, PERMISSIONS.view);
    try {
      const calendars = await refreshCalendars({ db, providers, tokens }, row);
      response.json({ calendars: calendars.map(calendarView), refreshed: true });
    } catch (error) {
      const mapped = providerFailure(error);
      if (!mapped) throw error;
      logger.warn({ connectionId, code: mapped.code }, 'calendar list not refreshed; answering from stored rows');
      const stored = await db.connectionCalendar.findMany({ where: { connectionId }, orderBy: { createdAt: 'asc' } });
      response.json({ calendars: stored.map((calendar) => calendarView(choiceOf(calendar, null))), refreshed: false });
    }
  });

  router.patch('/v1/connections/:connectionId/calendars', async (request, response) => {
    requirePermission(response, PERMISSIONS.connect);
    const { connectionId } = parseInput(connectionParams, request.params, 'params');
    parseInput(noQuery, request.query, 'query');
    const body = parseInput(calendarSelectionBody, request.body ?? {}, 'body');
    const row = await activeOwned(response, connectionId, PERMISSIONS.connect);

    // Validated against the provider's current list, which is also the only source of "writable".
    let calendars: CalendarChoice[];
    try {
      calendars = await refreshCalendars({ db, providers, tokens }, row);
    } catch (error) {
      throw providerFailure(error) ?? error;
    }
    const byId = new Map(calendars.map((calendar) => [calendar.externalCalendarId, calendar]));
    const sync = body.sync ? [...new Set(body.sync)] : undefined;
    const unknown = (sync ?? []).map((id, index) => ({ id, index })).filter(({ id }) => !byId.has(id));
    if (unknown.length) {
      throw new ApiError(
        400,
        'invalid_request',
        'body.sync: not a calendar of this account',
        unknown.map(({ index }) => ({ field: `body.sync.${index}`, message: 'not a calendar of this account' })),
      );
    }
    if (body.writeTarget !== undefined) {
      const target = byId.get(body.writeTarget);
      if (!target)
        throw new ApiError(400, 'invalid_request', 'body.writeTarget: not a calendar of this account', [
          { field: 'body.writeTarget', message: 'not a calendar of this account' },
        ]);
      if (target.canWrite !== true)
        throw new ApiError(400, 'invalid_request', 'body.writeTarget: the calendar is read-only', [
          { field: 'body.writeTarget', message: 'the calendar is read-only' },
        ]);
    }

    await saveCalendarSelection(db, connectionId, {
      ...(sync ? { sync } : {}),
      ...(body.writeTarget ? { writeTarget: body.writeTarget } : {}),
    });
    // Channels of deselected calendars stop now; a failure here is retried by the workflow's next renewal.
    await stopDeselectedPushChannels({ db, providers, tokens, logger }, row).catch((error: unknown) =>
      logger.warn({ connectionId, err: (error as Error).message }, 'could not stop push channels after a selection change'),
    );
    // Newly selected calendars get their first (full) pass now instead of at the next poll.
    if (sync) await signalConnection(ctx, row, syncNowSignal, { reason: 'settings' });

    const stored = await db.connectionCalendar.findMany({ where: { connectionId }, orderBy: { createdAt: 'asc' } });
    response.json({
      calendars: stored
        .filter((calendar) => byId.has(calendar.externalCalendarId))
        .map((calendar) => calendarView(choiceOf(calendar, byId.get(calendar.externalCalendarId)!.canWrite))),
      refreshed: true,
    });
  });

  return router;
}
