// iCalendar (RFC 5545) export: subscription feeds behind unguessable, revocable tokens, and any single
// event as an .ics download ("add to calendar").
//
// - POST/GET/DELETE /v1/feeds: the caller's feeds. The feed URL (with its token) is returned once, at
//   creation; only the token's hash is stored.
// - GET /v1/ical/{token}.ics: public (calendar apps cannot send a bearer token). Unknown, malformed and
//   revoked tokens all answer the same 404. Answers carry ETag and Last-Modified and honour
//   If-None-Match / If-Modified-Since with 304, so polling clients cost little.
// - GET /v1/events/{eventId}.ics: the event's owner, or view-all holders (without organizer/attendees).
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { renderCalendar } from '../../domain/ical/render';
import { IcalFeedService } from '../../services/ical-feeds';
import { requirePermission } from '../auth/middleware';
import { PERMISSIONS } from '../auth/permissions';
import { ownedConnection } from '../connection-access';
import type { ApiContext } from '../dependencies';
import { ApiError } from '../errors';
import { standardErrors, type RouteDoc } from '../route-docs';
import { noQuery } from '../schemas';
import { parseInput } from '../validation';

const CALENDAR_CONTENT_TYPE = 'text/calendar; charset=utf-8';
const uuid = z.uuid({ error: 'must be a UUID' });

export const createFeedBody = z.strictObject({
  connectionId: uuid.optional().describe("Only this connection; absent: all of the caller's connections"),
  visibility: z
    .enum(['private', 'public'], { error: 'must be private or public' })
    .describe('public: busy blocks only, no titles or people'),
});
export const feedParams = z.strictObject({ feedId: uuid });
export const feedTokenParams = z.strictObject({ token: z.string().min(1).max(200) });
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

export const icalRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/feeds',
    summary: 'Create an iCal feed URL of your calendars (private: full details; public: busy blocks only)',
    tag: 'iCal',
    auth: true,
    permission: PERMISSIONS.view,
    query: noQuery,
    body: createFeedBody,
    responses: { 201: { description: 'The feed and its URL (shown once)', schema: createdFeedResponse }, ...standardErrors([404]) },
  },
  {
    method: 'get',
    path: '/v1/feeds',
    summary: 'Your iCal feeds (without their URLs), revoked ones included',
    tag: 'iCal',
    auth: true,
    permission: PERMISSIONS.view,
    query: noQuery,
    responses: { 200: { description: 'Feeds', schema: feedListResponse }, ...standardErrors() },
  },
  {
    method: 'delete',
    path: '/v1/feeds/{feedId}',
    summary: 'Revoke an iCal feed: its URL answers 404 from now on',
    tag: 'iCal',
    auth: true,
    permission: PERMISSIONS.view,
    params: feedParams,
    query: noQuery,
    responses: { 200: { description: 'The revoked feed', schema: feedResponse }, ...standardErrors([404]) },
  },
  {
    method: 'get',
    path: '/v1/ical/{token}.ics',
    summary: 'An iCal feed, by the token in its URL (no bearer token); conditional requests answer 304',
    tag: 'iCal',
    auth: false,
    params: feedTokenParams,
    responses: {
      200: icsResponse,
      304: { description: 'Not modified since the ETag / date given' },
      404: { description: 'Unknown or revoked feed' },
    },
  },
  {
    method: 'get',
    path: '/v1/events/{eventId}.ics',
    summary: 'One event as an .ics file (a series with its changed and cancelled occurrences)',
    tag: 'iCal',
    auth: true,
    permission: PERMISSIONS.view,
    params: eventIcsParams,
    query: noQuery,
    responses: { 200: icsResponse, ...standardErrors([404]) },
  },
];

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

function sendCalendar(response: Response, body: string, filename: string): void {
  response.set('Content-Type', CALENDAR_CONTENT_TYPE);
  response.set('Content-Disposition', `inline; filename="${filename}"`);
  response.send(body);
}

/** The public feed route: mounted before the /v1 bearer-token middleware. */
export function icalFeedRouter({ db, config }: ApiContext): Router {
  const feeds = new IcalFeedService({ db, publicUrl: config.publicUrl });
  const router = Router();
  router.get('/v1/ical/:token.ics', async (request, response) => {
    const params = feedTokenParams.safeParse(request.params);
    const rendered = params.success ? await feeds.renderForToken(params.data.token) : null;
    if (!rendered) throw ApiError.notFound('Feed');
    // The URL is the secret: keep it out of shared caches, referrers and search engines.
    response.set({
      ETag: rendered.etag,
      'Last-Modified': rendered.lastModified.toUTCString(),
      'Cache-Control': 'private, no-cache',
      'Referrer-Policy': 'no-referrer',
      'X-Robots-Tag': 'noindex',
    });
    if (notModified(request, rendered.etag, rendered.lastModified)) {
      response.status(304).end();
      return;
    }
    sendCalendar(response, rendered.body, 'calendar.ics');
  });
  return router;
}

export function icalRouter({ db, config }: ApiContext): Router {
  const feeds = new IcalFeedService({ db, publicUrl: config.publicUrl });
  const router = Router();

  router.post('/v1/feeds', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.view);
    parseInput(noQuery, request.query, 'query');
    const body = parseInput(createFeedBody, request.body ?? {}, 'body');
    if (body.connectionId) await ownedConnection(db, caller, body.connectionId);
    const created = await feeds.create({
      organizationId: caller.organizationId,
      userId: caller.userId,
      visibility: body.visibility,
      ...(body.connectionId ? { connectionId: body.connectionId } : {}),
    });
    response.status(201).json(created);
  });

  router.get('/v1/feeds', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.view);
    parseInput(noQuery, request.query, 'query');
    response.json({ feeds: await feeds.list({ organizationId: caller.organizationId, userId: caller.userId }) });
  });

  router.delete('/v1/feeds/:feedId', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.view);
    const { feedId } = parseInput(feedParams, request.params, 'params');
    parseInput(noQuery, request.query, 'query');
    const revoked = await feeds.revoke({ organizationId: caller.organizationId, userId: caller.userId }, feedId);
    if (!revoked) throw ApiError.notFound('Feed');
    response.json(revoked);
  });

  router.get('/v1/events/:eventId.ics', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.view);
    const { eventId } = parseInput(eventIcsParams, request.params, 'params');
    parseInput(noQuery, request.query, 'query');
    const event = await db.calendarEvent.findFirst({
      where: { id: eventId, organizationId: caller.organizationId, status: { not: 'cancelled' } },
      include: { connection: { select: { userId: true } } },
    });
    const isOwner = event?.connection.userId === caller.userId;
    if (!event || (!isOwner && !caller.permissions.has(PERMISSIONS.viewAll))) throw ApiError.notFound('Event');
    const { connection: _connection, ...row } = event;
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
    sendCalendar(
      response,
      renderCalendar(rows, { name: row.title ?? 'Event', visibility: 'private', withholdPeople: !isOwner }),
      'event.ics',
    );
  });

  return router;
}
