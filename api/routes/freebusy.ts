// POST /v1/freebusy: merged busy blocks of users of the caller's organization across each user's active
// connections (only the calendars each owner selected for sync), asked live from the providers. A calendar
// that cannot answer is reported per user (connection id and an error code) instead of failing the request.
import { Router } from 'express';
import { mergeBusyIntervals, type Interval } from '../../domain/freebusy';
import { isProviderError } from '../../providers/errors';
import { ConnectionGoneError } from '../../services/token-service';
import { requirePermission } from '../auth/middleware';
import { PERMISSIONS } from '../auth/permissions';
import type { ApiContext } from '../dependencies';
import { standardErrors, type RouteDoc } from '../route-docs';
import { freeBusyBody, freeBusyResponse, noQuery } from '../schemas';
import { parseInput } from '../validation';

/** A provider that has not answered by then is reported as `timeout` for that connection. */
const PROVIDER_TIMEOUT_MS = 10_000;

export const freeBusyRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/freebusy',
    summary: `Busy blocks of up to 50 users of the organization over at most 62 days`,
    tag: 'Free/busy',
    auth: true,
    permission: PERMISSIONS.view,
    query: noQuery,
    body: freeBusyBody,
    responses: { 200: { description: 'Busy blocks per user', schema: freeBusyResponse }, ...standardErrors() },
  },
];

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'timeout' })), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function errorCode(error: unknown): string {
  if (isProviderError(error)) return error.kind;
  if (error instanceof ConnectionGoneError) return 'connection_gone';
  if ((error as { code?: unknown }).code === 'timeout') return 'timeout';
  return 'unavailable';
}

export function freeBusyRouter({ db, providers, tokens, logger }: ApiContext): Router {
  const router = Router();

  /**
   * Busy blocks of the calendars the owner selected for sync. Google answers per calendar id. Graph's
   * getSchedule answers per mailbox, i.e. for the default calendar only: it is asked when that calendar
   * is selected, and other selected Microsoft calendars contribute their synced (expanded) events.
   */
  async function busyOfSelectedCalendars(
    row: { id: string; provider: string; externalAccountEmail: string },
    timeMin: string,
    timeMax: string,
  ): Promise<{ busy: Interval[]; error: string | undefined }> {
    const adapter = providers.get(row.provider).adapter;
    const calendars = await db.connectionCalendar.findMany({
      where: { connectionId: row.id },
      select: { externalCalendarId: true, isPrimary: true, syncEnabled: true },
    });
    const selected = calendars.filter((calendar) => calendar.syncEnabled);
    // Not yet discovered (first sync pending): the account's main calendar, as before selection existed.
    const askAccount = calendars.length === 0 || (row.provider !== 'google' && selected.some((calendar) => calendar.isPrimary));
    const ids =
      row.provider === 'google'
        ? calendars.length === 0
          ? [row.externalAccountEmail]
          : selected.map((calendar) => calendar.externalCalendarId)
        : askAccount
          ? [row.externalAccountEmail]
          : [];
    const busy: Interval[] = [];
    let error: string | undefined;
    if (ids.length) {
      const result = await tokens.withAccessToken(row.id, (auth) => adapter.freeBusy(auth, { emails: ids, timeMin, timeMax }));
      for (const id of ids) {
        const entry = result[id] ?? (ids.length === 1 ? Object.values(result)[0] : undefined);
        if (!entry) error ??= 'no_answer';
        else if ('error' in entry) error ??= entry.error || 'calendar_error';
        else busy.push(...entry.busy.map(({ start, end }) => ({ start, end })));
      }
    }
    const local = row.provider === 'google' ? [] : selected.filter((calendar) => !calendar.isPrimary);
    if (local.length) {
      const events = await db.calendarEvent.findMany({
        where: {
          connectionId: row.id,
          externalCalendarId: { in: local.map((calendar) => calendar.externalCalendarId) },
          status: { not: 'cancelled' },
          eventKind: { not: 'seriesMaster' },
          startAt: { lt: new Date(timeMax) },
          endAt: { gt: new Date(timeMin) },
        },
        select: { startAt: true, endAt: true },
      });
      busy.push(...events.map((event) => ({ start: event.startAt.toISOString(), end: event.endAt.toISOString() })));
    }
    return { busy, error };
  }
  router.post('/v1/freebusy', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.view);
    parseInput(noQuery, request.query, 'query');
    const body = parseInput(freeBusyBody, request.body ?? {}, 'body');
    const userIds = [...new Set(body.userIds)];
    const rows = await db.calendarConnection.findMany({
      where: { organizationId: caller.organizationId, userId: { in: userIds }, status: 'active' },
      orderBy: { createdAt: 'asc' },
    });
    const timeMin = new Date(body.from).toISOString();
    const timeMax = new Date(body.to).toISOString();

    const answers = await Promise.all(
      rows.map(async (row) => {
        try {
          return { row, ...(await withTimeout(busyOfSelectedCalendars(row, timeMin, timeMax), PROVIDER_TIMEOUT_MS)) };
        } catch (error) {
          const code = errorCode(error);
          logger.warn({ connectionId: row.id, code }, 'free/busy failed for a connection');
          return { row, busy: [] as Interval[], error: code };
        }
      }),
    );

    response.json({
      from: timeMin,
      to: timeMax,
      users: userIds.map((userId) => {
        const mine = answers.filter((answer) => answer.row.userId === userId);
        return {
          userId,
          busy: mergeBusyIntervals(
            mine.flatMap((answer) => answer.busy),
            { from: timeMin, to: timeMax },
          ),
          errors: mine.filter((answer) => answer.error).map((answer) => ({ connectionId: answer.row.id, code: answer.error! })),
        };
      }),
    });
  });
  return router;
}
