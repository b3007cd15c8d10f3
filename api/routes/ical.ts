// iCalendar (RFC 5545) export: subscription feeds behind unguessable, revocable tokens, and any single
// event as an .ics download ("add to calendar").
//
// - POST/GET/DELETE /v1/feeds: the caller's feeds. The feed URL (with its token) is returned once, at
//   creation; only the token's hash is stored.
// - GET /v1/ical/{token}.ics: public (calendar apps cannot send a bearer token). Unknown, malformed and
//   revoked tokens all answer the same 404. Answers carry ETag and Last-Modified and honour
//   If-None-Match / If-Modified-Since with 304, so polling clients cost little.
// - GET /v1/events/{eventId}.ics: the event's owner, or view-all holders (without organizer/attendees).
import type { Request } from 'express';
import { z } from 'zod';
import { renderCalendar } from '../../domain/ical/render';
import { busyBlocks, type BusySourceRow } from '../../domain/ical/busy-blocks';
import { renderBusyCalendar } from '../../domain/ical/busy-calendar';
import { feedWindow, IcalFeedService } from '../../services/ical-feeds';
import { PERMISSIONS } from '../auth/permissions';
import { ownedConnection } from '../connection-access';
import type { ApiContext } from '../context';
import { ApiError } from '../routing/errors';
import { publicRoute, route } from '../routing/route';

const CALENDAR_CONTENT_TYPE = 'text/calendar; charset=utf-8';
const uuid = z.uuid({ error: 'must be a UUID' });

export const createFeedBody = z.strictObject({
  connectionId: uuid.optional().describe("Only this connection; absent: all of the caller's connections"),
  visibility: z
    .enum(['private', 'public'], { error: 'must be private or public' })
    .describe('public: busy blocks only, no titles or people'),
});
export const feedParams = z.strictObject({ feedId: uuid });
/** Any token reaches the handler: unknown, malformed and revoked tokens all answer the same 404. */
export const feedTokenParams = z.strictObject({ token: z.string().describe('The secret token of the feed URL') });
export const eventIcsParams = z.strictObject({ eventId: uuid });

const feedResponse = z.object({
  feedId: uuid,
  connectionId: uuid.nullable(),
  visibility: z.enum(['private', 'public']),
  createdAt: z.iso.datetime({ offset: true }),
  revokedAt: z.iso.datetime({ offset: true }).nullable(),
});
export const createdFeedResponse = feedResponse.extend({ url: z.url().describe('The subscription URL; shown only now') });
export const feedListResponse = z.object({ feeds: z.array(feedResponse) });

const icsResponse = { description: 'An iCalendar object', contentType: 'text/calendar', schema: z.string() };

/** RFC 9110 13.1.2 / 13.1.3: If-None-Match (weak comparison) wins over If-Modified-Since. */
export function notModified(request: Request, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = request.get('if-none-match');
  if (ifNoneMatch !== undefined) {
    const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
    return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
  }
  const since = Date.parse(request.get('if-modified-since') ?? '');
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

const calendarReply = (text: string, filename: string, headers: Record<string, string> = {}) => ({
  status: 200 as const,
  text,
  contentType: CALENDAR_CONTENT_TYPE,
  headers: { ...headers, 'Content-Disposition': `inline; filename="${filename}"` },
});

/** A colleague's private event, for a view-all reader: its busy blocks within the feed window, nothing more. */
function privateEventAsBusy(row: BusySourceRow, config: ApiContext['config']): string {
  const now = new Date();
  const window = feedWindow({ daysBack: config.ICAL_FEED_DAYS_BACK, daysAhead: config.ICAL_FEED_DAYS_AHEAD }, now);
  return renderBusyCalendar(busyBlocks([row], window, now), now);
}

const feedsOf = ({ db, config, tenantDb }: ApiContext) =>
  new IcalFeedService({
    db,
    tenantDb,
    publicUrl: config.publicUrl,
    window: { daysBack: config.ICAL_FEED_DAYS_BACK, daysAhead: config.ICAL_FEED_DAYS_AHEAD },
  });

export const icalRoutes = [
  route({
    method: 'post',
    path: '/v1/feeds',
    summary: 'Create an iCal feed URL of your calendars (private: full details; public: busy blocks only)',
    tag: 'iCal',
    permission: PERMISSIONS.view,
    body: createFeedBody,
    responses: { 201: { description: 'The feed and its URL (shown once)', schema: createdFeedResponse } },
    errors: [404],
  }).handle(async ({ caller, body }, ctx) => {
    if (body.connectionId) await ownedConnection(ctx.db, caller, body.connectionId);
    const created = await feedsOf(ctx).create({
      organizationId: caller.organizationId,
      userId: caller.userId,
      visibility: body.visibility,
      ...(body.connectionId ? { connectionId: body.connectionId } : {}),
    });
    return { status: 201, body: created };
  }),
  route({
    method: 'get',
    path: '/v1/feeds',
    summary: 'Your iCal feeds (without their URLs), revoked ones included',
    tag: 'iCal',
    permission: PERMISSIONS.view,
    responses: { 200: { description: 'Feeds', schema: feedListResponse } },
  }).handle(async ({ caller }, ctx) => {
    return { status: 200, body: { feeds: await feedsOf(ctx).list({ organizationId: caller.organizationId, userId: caller.userId }) } };
  }),
  route({
    method: 'delete',
    path: '/v1/feeds/{feedId}',
    summary: 'Revoke an iCal feed: its URL answers 404 from now on',
    tag: 'iCal',
    permission: PERMISSIONS.view,
    params: feedParams,
    responses: { 200: { description: 'The revoked feed', schema: feedResponse } },
    errors: [404],
  }).handle(async ({ caller, params }, ctx) => {
    const revoked = await feedsOf(ctx).revoke({ organizationId: caller.organizationId, userId: caller.userId }, params.feedId);
    if (!revoked) throw ApiError.notFound('Feed');
    return { status: 200, body: revoked };
  }),
  route({
    method: 'get',
    path: '/v1/events/{eventId}.ics',
    summary: 'One event as an .ics file (a series with its changed and cancelled occurrences)',
    tag: 'iCal',
    permission: PERMISSIONS.view,
    params: eventIcsParams,
    responses: { 200: icsResponse },
    errors: [404],
  }).handle(async ({ caller, params: { eventId } }, { db, config }) => {
    const event = await db.calendarEvent.findFirst({
      where: { id: eventId, organizationId: caller.organizationId, status: { not: 'cancelled' } },
      include: { connection: { select: { userId: true } } },
    });
    const isOwner = event?.connection.userId === caller.userId;
    if (!event || (!isOwner && !caller.permissions.has(PERMISSIONS.viewAll))) throw ApiError.notFound('Event');
    const { connection: _connection, ...row } = event;
    if (row.isPrivate && !isOwner) return calendarReply(privateEventAsBusy(row, config), 'event.ics');
    let rows = [row];
    if (row.eventKind === 'seriesMaster') {
      // The series travels with its changed and cancelled occurrences (as RECURRENCE-ID events and EXDATEs).
      const members = await db.calendarEvent.findMany({
        where: { connectionId: row.connectionId, externalCalendarId: row.externalCalendarId, seriesMasterExternalId: row.externalEventId },
      });
      rows = [row, ...members];
    } else if (row.eventKind !== 'single') {
      // One occurrence on its own is a plain event with a UID of its own: sharing the series' UID would
      // make a calendar app replace the whole series with it.
      rows = [{ ...row, eventKind: 'single', iCalUid: null, seriesMasterExternalId: null, originalStartAt: null, recurrence: null }];
    }
    const ics = renderCalendar(rows, { name: row.title ?? 'Event', visibility: 'private', withholdPeople: !isOwner });
    return calendarReply(ics, 'event.ics');
  }),
];

/** The public feed route: mounted before the bearer-token middleware. */
export const icalFeedRoutes = [
  publicRoute({
    method: 'get',
    path: '/v1/ical/{token}.ics',
    summary: 'An iCal feed, by the token in its URL (no bearer token); conditional requests answer 304',
    tag: 'iCal',
    params: feedTokenParams,
    // Calendar apps may add parameters of their own: they are ignored.
    query: z.object({}),
    responses: {
      200: icsResponse,
      304: { description: 'Not modified since the ETag / date given' },
      404: { description: 'Unknown or revoked feed' },
    },
  }).handle(async ({ params, request }, ctx) => {
    const answer = await feedsOf(ctx).answerForToken(params.token);
    if (!answer) throw ApiError.notFound('Feed');
    // The URL is the secret: keep it out of shared caches, referrers and search engines.
    const headers = {
      ETag: answer.etag,
      'Last-Modified': answer.lastModified.toUTCString(),
      'Cache-Control': 'private, no-cache',
      'Referrer-Policy': 'no-referrer',
      'X-Robots-Tag': 'noindex',
    };
    // Known to the client already: answered before anything is rendered.
    if (notModified(request, answer.etag, answer.lastModified)) return { status: 304, empty: true, headers };
    return calendarReply(await answer.body(), 'calendar.ics', headers);
  }),
];
