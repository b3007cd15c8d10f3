// POST /v1/freebusy: merged busy blocks of users of the caller's organization (by CRM user id, or by the
// address of a connected calendar account: what a meeting's attendee list holds) across their active
// connections (only the calendars each owner selected for sync). A connection whose synced events are fresh
// (services/synced-freebusy.ts, domain/sync-freshness.ts) answers from them; the others are asked live from
// the providers by each connection's workflow, at most FREEBUSY_CONCURRENCY at a time and within one overall
// deadline. Each answer says, per connection, where it came from and how fresh the rows are. A calendar
// that cannot answer is reported per user (connection id and an error code) instead of failing the request.
import { applicationFailureIn } from '../../clients/temporal-errors';
import { mergeBusySpans, spanOf, type Span } from '../../domain/freebusy';
import { mapWithConcurrency } from '../../services/bounded-concurrency';
import { syncedBusyOf } from '../../services/synced-freebusy';
import { freeBusyUpdate } from '../../workflows/connection/messages';
import { PERMISSIONS } from '../auth/permissions';
import { route } from '../routing/route';
import { freeBusyBody, freeBusyResponse } from '../schemas';

/** A connection that has not answered by then is reported as `timeout`. */
const PROVIDER_TIMEOUT_MS = 10_000;
/** At most this many connections are asked at once (each is a workflow update and a provider call). */
export const FREEBUSY_CONCURRENCY = 8;
/** The whole answer takes at most this long: connections not answered by then are reported as `timeout`. */
const REQUEST_DEADLINE_MS = 25_000;

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
  if ((error as { code?: unknown }).code === 'timeout') return 'timeout';
  return applicationFailureIn(error)?.type ?? 'unavailable';
}

export const freeBusyRoutes = [
  route({
    method: 'post',
    path: '/v1/freebusy',
    summary: `Busy blocks of up to 50 users of the organization over at most 62 days`,
    tag: 'Free/busy',
    permission: PERMISSIONS.view,
    body: freeBusyBody,
    responses: { 200: { description: 'Busy blocks per user', schema: freeBusyResponse } },
  }).handle(async ({ caller, body }, { db, workflows, logger }) => {
    const userIds = [...new Set(body.userIds)];
    const emails = body.emails.map((email) => email.toLowerCase());
    const rows = await db.calendarConnection.findMany({
      // needs_attention: syncing normally, only deletions wait for an operator.
      where: {
        organizationId: caller.organizationId,
        status: { in: ['active', 'needs_attention'] },
        OR: [{ userId: { in: userIds } }, { externalAccountEmail: { in: emails } }],
      },
      orderBy: { createdAt: 'asc' },
    });
    const timeMin = new Date(body.from).toISOString();
    const timeMax = new Date(body.to).toISOString();

    const synced = await syncedBusyOf(
      db,
      caller.organizationId,
      rows.map((row) => row.id),
      { from: new Date(timeMin), to: new Date(timeMax) },
    );
    const fromRows = rows.flatMap((row) => {
      const { busy, freshness } = synced.get(row.id)!;
      return busy ? [{ row, busy, source: 'synced' as const, freshness }] : [];
    });
    const deadline = Date.now() + REQUEST_DEADLINE_MS;
    const asked = await mapWithConcurrency(
      rows.filter((row) => !synced.get(row.id)!.busy),
      FREEBUSY_CONCURRENCY,
      async (row) => {
        const answer = { row, source: 'provider' as const, freshness: synced.get(row.id)!.freshness };
        try {
          const left = Math.min(PROVIDER_TIMEOUT_MS, deadline - Date.now());
          if (left <= 0) throw Object.assign(new Error('timeout'), { code: 'timeout' });
          const result = await withTimeout(workflows.update(row, freeBusyUpdate, [{ timeMin, timeMax }]), left);
          return { ...answer, ...result, busy: result.busy.map(spanOf) };
        } catch (error) {
          const code = errorCode(error);
          logger.warn({ connectionId: row.id, code }, 'free/busy failed for a connection');
          return { ...answer, busy: [] as Span[], error: code };
        }
      },
    );
    // In the rows' order (oldest connection first), whichever way each was answered.
    const byId = new Map([...fromRows, ...asked].map((answer) => [answer.row.id, answer] as const));
    const answers = rows.map((row) => byId.get(row.id)!);

    const merged = (mine: typeof answers) => ({
      busy: mergeBusySpans(
        mine.flatMap((answer) => answer.busy),
        { from: timeMin, to: timeMax },
      ),
      errors: mine.flatMap((answer) => ('error' in answer && answer.error ? [{ connectionId: answer.row.id, code: answer.error }] : [])),
      sources: mine.map(({ row, source, freshness }) => ({
        connectionId: row.id,
        source,
        lastSyncAt: freshness.lastSyncAt,
        pushLive: freshness.pushLive,
      })),
    });
    const users = userIds.map((userId) => ({ userId, ...merged(answers.filter((answer) => answer.row.userId === userId)) }));
    // In request order, without the address itself: attendee addresses are not echoed back (README, Security).
    const accounts = body.emails.map((email) => {
      const mine = answers.filter((answer) => answer.row.externalAccountEmail === email.toLowerCase());
      return { connected: mine.length > 0, ...merged(mine) };
    });
    return { status: 200, body: { from: timeMin, to: timeMax, users, emails: accounts } };
  }),
];
