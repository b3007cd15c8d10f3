// Graph v1.0 routes of the fake: /me, calendars, events CRUD and instances, calendarView delta, getSchedule,
// subscriptions.
// Every route needs a valid bearer token (401 InvalidAuthenticationToken otherwise).
import express, { type NextFunction, type Request, type Response } from 'express';
import { meWithAppToken, requireRole, requiredRoles, tenantMailbox } from './app-access';
import type { AppContext, AppTokens } from './app-tokens';
import type { DeltaEngine } from './delta';
import { eventView, responseZone } from './event-view';
import { parseEventWrite } from './event-writes';
import { GraphHttpError, badRequest, notFound, sendGraphError } from './graph-errors';
import { instantOfGraphDateTime } from './graph-time';
import type { IdentityProvider } from './identity';
import type { Account } from './model';
import { getSchedule } from './schedule';
import type { MicrosoftStore } from './store';
import type { SubscriptionManager } from './subscriptions';
import type { Tenants } from './tenants';

export interface GraphRouteDeps {
  store: MicrosoftStore;
  identity: IdentityProvider;
  delta: DeltaEngine;
  subscriptions: SubscriptionManager;
  tenantId: string;
  baseUrl: () => string;
  /** Runs one request of a `$batch` against this same server (it trusts the fake's CA). */
  selfFetch: (url: string, init: RequestInit) => Promise<globalThis.Response>;
  /** Outlook's per-mailbox limits, when a test asks the fake to enforce them. */
  limits?: MailboxLimits;
  /** App-only access (client credentials): the tokens and the tenants whose users `/users/{id}/...` may name. */
  appOnly?: { appTokens: AppTokens; tenants: Tenants };
}

/** Every `/me/...` path is also served as `/users/{id | userPrincipalName}/...` (app-only, or the signed-in user). */
function mailboxPaths(paths: string | string[]): string[] {
  const list = typeof paths === 'string' ? [paths] : paths;
  return [...list, ...list.map((path) => path.replace(/^\/me/, '/users/:userId'))];
}

/** Marks the requests a `$batch` runs on this server (not logged as the client's own requests). */
export const BATCH_ITEM_HEADER = 'x-fake-batch-item';
const MAX_BATCH = 20;

type Handler = (req: Request, res: Response, account: Account) => unknown;

const DEFAULT_PAGE_SIZE = 10; // unconfirmed for calendarView delta; clients should send odata.maxpagesize
const DEFAULT_INSTANCES_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 1000;

function lowerQuery(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}

/** The startDateTime/endDateTime window calendarView and instances require (UTC unless an offset is given). */
function requiredWindow(q: Record<string, string>): { startMs: number; endMs: number } {
  if (!q.startdatetime || !q.enddatetime) {
    throw badRequest(
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
      'ErrorInvalidParameter',
    );
  }
  const startMs = instantOfGraphDateTime(q.startdatetime, 'UTC');
  const endMs = instantOfGraphDateTime(q.enddatetime, 'UTC');
  if (startMs === undefined || endMs === undefined) throw badRequest('Invalid startDateTime or endDateTime.', 'ErrorInvalidParameter');
  return { startMs, endMs };
}

export function graphRouter(deps: GraphRouteDeps): express.Router {
  const { store, identity, delta, subscriptions } = deps;
  const router = express.Router({ caseSensitive: false });
  router.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));

  const route = (handler: Handler) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const auth = req.get('authorization') ?? '';
      const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1];
      const app = token ? deps.appOnly?.appTokens.authenticate(token) : undefined;
      if (app) return await appRoute(req, res, app, handler);
      const email = token ? identity.authenticate(token) : undefined;
      if (!email) {
        res.setHeader(
          'WWW-Authenticate',
          'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"',
        );
        throw new GraphHttpError(
          401,
          'InvalidAuthenticationToken',
          token ? 'Lifetime validation failed, the token is expired.' : 'Access token is empty.',
        );
      }
      const account = store.ensureAccount(email);
      // A signed-in user may name their own mailbox as /users/{id}; another's needs a share the fake does not model.
      const userId = typeof req.params.userId === 'string' ? req.params.userId.toLowerCase() : undefined;
      if (userId !== undefined && userId !== account.email && userId !== account.id) throw accessDenied();
      // Every request but the $batch envelope counts against the mailbox (Graph evaluates batch items one by one).
      const end = req.path === '/$batch' || !deps.limits ? () => undefined : deps.limits.enter(account.email);
      if (!end) throw mailboxThrottled();
      res.on('close', end);
      await handler(req, res, account);
    } catch (error) {
      if (error instanceof GraphHttpError) sendGraphError(req, res, error);
      else next(error);
    }
  };
  /** An app-only request: the mailbox `/users/{id}` names in the app's tenant, if the app holds the role it needs. */
  const appRoute = async (req: Request, res: Response, app: AppContext, handler: Handler) => {
    const userId = typeof req.params.userId === 'string' ? req.params.userId : undefined;
    if (userId === undefined) {
      if (/^\/me(\/|$)/i.test(req.path)) throw meWithAppToken();
      // The $batch envelope names no mailbox: each of its requests is checked on its own.
      if (req.path !== '/$batch') throw accessDenied();
      return handler(req, res, undefined as unknown as Account);
    }
    const account = tenantMailbox(store, deps.appOnly!.tenants, app, userId);
    requireRole(app, requiredRoles(req.method, req.path.split('/').slice(3).join('/')));
    const end = deps.limits ? deps.limits.enter(account.email) : () => undefined;
    if (!end) throw mailboxThrottled();
    res.on('close', end);
    return handler(req, res, account);
  };
  const zoneOf = (req: Request) => responseZone(req.get('prefer'));
  const calendarParam = (req: Request) => (typeof req.params.calendarId === 'string' ? req.params.calendarId : undefined);
  /** The calendar a request names (default: the primary), unless the grant does not reach it. */
  const reachableCalendar = (req: Request, account: Account) => {
    const calendar = store.calendar(account, calendarParam(req));
    if (calendar.accessDenied) throw accessDenied();
    return calendar;
  };
  const reachableEvent = (req: Request, account: Account) => {
    if (calendarParam(req)) reachableCalendar(req, account);
    const found = store.findEvent(account, eventIdParam(req), calendarParam(req));
    if (!found) throw notFound();
    if (found.calendar.accessDenied) throw accessDenied();
    return found;
  };

  router.get(
    mailboxPaths('/me'),
    route((_req, res, account) => {
      res.json({
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
        businessPhones: [],
        displayName: account.displayName,
        givenName: account.displayName.split(' ')[0] ?? null,
        surname: account.displayName.split(' ').slice(1).join(' ') || null,
        jobTitle: null,
        mail: account.email,
        mobilePhone: null,
        officeLocation: null,
        preferredLanguage: 'en-US',
        userPrincipalName: account.email,
        id: account.id,
      });
    }),
  );

  router.get(
    mailboxPaths('/me/calendars'),
    route((_req, res, account) => {
      res.json({
        '@odata.context': "https://graph.microsoft.com/v1.0/$metadata#users('me')/calendars",
        value: [...account.calendars.values()].map((c) => ({
          id: c.id,
          name: c.name,
          color: 'auto',
          hexColor: '',
          isDefaultCalendar: c.isDefault,
          changeKey: 'fJKVL07sbkmIfHqjbDnRgQAAAAAACA==',
          canShare: true,
          canViewPrivateItems: true,
          canEdit: c.canEdit,
          allowedOnlineMeetingProviders: ['teamsForBusiness'],
          defaultOnlineMeetingProvider: 'teamsForBusiness',
          isTallyingResponses: true,
          isRemovable: !c.isDefault,
          owner: { name: account.displayName, address: account.email },
        })),
      });
    }),
  );

  // --- calendarView delta -------------------------------------------------------------------------------
  const deltaPaths = ['/me/calendarView/delta', '/me/calendar/calendarView/delta', '/me/calendars/:calendarId/calendarView/delta'];
  router.get(
    mailboxPaths(deltaPaths),
    route((req, res, account) => {
      const q = lowerQuery(req);
      const pageSize = Math.min(
        MAX_PAGE_SIZE,
        Number(/odata\.maxpagesize\s*=\s*(\d+)/i.exec(req.get('prefer') ?? '')?.[1] ?? DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE,
      );
      const linkBase = `${deps.baseUrl()}/v1.0${req.path}`;
      let skipToken = q.$skiptoken;
      if (calendarParam(req)) reachableCalendar(req, account);
      if (!skipToken && q.$deltatoken) {
        skipToken = delta.resumeRound(
          account,
          q.$deltatoken,
          (s) => `${linkBase}?startDateTime=${new Date(s.startMs).toISOString()}&endDateTime=${new Date(s.endMs).toISOString()}`,
        );
      } else if (!skipToken) {
        const { startMs, endMs } = requiredWindow(q);
        reachableCalendar(req, account);
        skipToken = delta.startRound(account, calendarParam(req), startMs, endMs);
      }
      const zone = zoneOf(req);
      const page = delta.page(account, skipToken, pageSize);
      res.setHeader('Preference-Applied', `odata.maxpagesize=${pageSize}`);
      res.json({
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(event)',
        ...(page.nextSkipToken ? { '@odata.nextLink': `${linkBase}?$skiptoken=${page.nextSkipToken}` } : {}),
        ...(page.deltaToken ? { '@odata.deltaLink': `${linkBase}?$deltatoken=${page.deltaToken}` } : {}),
        value: page.items.map((item) =>
          item.kind === 'removed'
            ? { '@odata.type': '#microsoft.graph.event', id: item.id, '@removed': { reason: 'deleted' } }
            : eventView(item.event, zone),
        ),
      });
    }),
  );

  // --- calendarView (what a calendar shows in a window; free/busy reads it where getSchedule is unsupported) --
  router.get(
    mailboxPaths(['/me/calendarView', '/me/calendar/calendarView', '/me/calendars/:calendarId/calendarView']),
    route((req, res, account) => {
      const q = lowerQuery(req);
      const { startMs, endMs } = requiredWindow(q);
      const calendar = reachableCalendar(req, account);
      const top = Math.min(MAX_PAGE_SIZE, Math.max(1, Number(q.$top) || DEFAULT_INSTANCES_PAGE_SIZE));
      const skip = Math.max(0, Number(q.$skip) || 0);
      const all = store.viewItems(account, calendar.id, startMs, endMs);
      const window = `startDateTime=${encodeURIComponent(q.startdatetime!)}&endDateTime=${encodeURIComponent(q.enddatetime!)}`;
      res.json({
        '@odata.context': "https://graph.microsoft.com/v1.0/$metadata#users('me')/calendarView",
        ...(skip + top < all.length
          ? { '@odata.nextLink': `${deps.baseUrl()}/v1.0${req.path}?${window}&$top=${top}&$skip=${skip + top}` }
          : {}),
        value: all.slice(skip, skip + top).map((event) => eventView(event, zoneOf(req))),
      });
    }),
  );

  // --- events --------------------------------------------------------------------------------------------
  const eventPaths = ['/me/events/:eventId', '/me/calendar/events/:eventId', '/me/calendars/:calendarId/events/:eventId'];
  const collectionPaths = ['/me/events', '/me/calendar/events', '/me/calendars/:calendarId/events'];
  const eventIdParam = (req: Request) => String(req.params.eventId);

  router.get(
    mailboxPaths(eventPaths),
    route((req, res, account) => {
      res.json(eventView(reachableEvent(req, account).event, zoneOf(req)));
    }),
  );

  // Graph pages collections with $top/$skip; the default page size of /instances is undocumented (unconfirmed:
  // 10, as for /events). Occurrences and exceptions of one series master only.
  const instancePaths = eventPaths.map((path) => `${path}/instances`);
  router.get(
    mailboxPaths(instancePaths),
    route((req, res, account) => {
      const q = lowerQuery(req);
      const { startMs, endMs } = requiredWindow(q);
      const found = reachableEvent(req, account);
      // What Graph answers for a non-master is undocumented (unconfirmed); a 400 is the closest documented shape.
      if (found.event.json.type !== 'seriesMaster')
        throw badRequest('The event is not the master of a recurring series.', 'ErrorInvalidRequest');
      const top = Math.min(MAX_PAGE_SIZE, Math.max(1, Number(q.$top) || DEFAULT_INSTANCES_PAGE_SIZE));
      const skip = Math.max(0, Number(q.$skip) || 0);
      const all = store.seriesInstances(found.calendar, found.event, startMs, endMs);
      const zone = zoneOf(req);
      const window = `startDateTime=${encodeURIComponent(q.startdatetime!)}&endDateTime=${encodeURIComponent(q.enddatetime!)}`;
      res.json({
        '@odata.context':
          `https://graph.microsoft.com/v1.0/$metadata#users('${account.id}')` +
          `/events('${encodeURIComponent(found.event.json.id)}')/instances`,
        ...(skip + top < all.length
          ? { '@odata.nextLink': `${deps.baseUrl()}/v1.0${req.path}?${window}&$top=${top}&$skip=${skip + top}` }
          : {}),
        value: all.slice(skip, skip + top).map((event) => eventView(event, zone)),
      });
    }),
  );

  router.post(
    mailboxPaths(collectionPaths),
    route((req, res, account) => {
      const calendar = reachableCalendar(req, account);
      const zone = zoneOf(req);
      const { event } = store.createEvent(account, calendar, parseEventWrite(req.body));
      res.status(201).setHeader('Location', `${deps.baseUrl()}/v1.0/Users('${account.id}')/Events('${event.json.id}')`);
      res.json(eventView(event, zone));
    }),
  );

  router.patch(
    mailboxPaths(eventPaths),
    route((req, res, account) => {
      reachableEvent(req, account);
      const zone = zoneOf(req);
      const event = store.updateEvent(account, eventIdParam(req), parseEventWrite(req.body), {
        calendarId: calendarParam(req),
        ifMatch: req.get('if-match'),
      });
      res.json(eventView(event, zone));
    }),
  );

  router.delete(
    mailboxPaths(eventPaths),
    route((req, res, account) => {
      reachableEvent(req, account);
      store.deleteEvent(account, eventIdParam(req), { calendarId: calendarParam(req), ifMatch: req.get('if-match') });
      res.status(204).end();
    }),
  );

  // --- free/busy -----------------------------------------------------------------------------------------
  router.post(
    mailboxPaths(['/me/calendar/getSchedule', '/me/calendar/getschedule']),
    route((req, res, account) => {
      res.json(getSchedule(store, (req.body ?? {}) as never, zoneOf(req), account));
    }),
  );

  // --- subscriptions -------------------------------------------------------------------------------------
  router.post(
    '/subscriptions',
    route(async (req, res, account) => {
      const s = await subscriptions.create(account, deps.tenantId, (req.body ?? {}) as Record<string, unknown>);
      res.status(201).json(subscriptions.toJson(s));
    }),
  );
  router.get(
    '/subscriptions/:id',
    route((req, res, account) => {
      res.json(subscriptions.toJson(subscriptions.get(account, String(req.params.id))));
    }),
  );
  router.patch(
    '/subscriptions/:id',
    route((req, res, account) => {
      res.json(subscriptions.toJson(subscriptions.renew(account, String(req.params.id), (req.body ?? {}) as Record<string, unknown>)));
    }),
  );
  router.post(
    '/subscriptions/:id/reauthorize',
    route((req, res, account) => {
      subscriptions.reauthorize(account, String(req.params.id));
      res.status(204).end();
    }),
  );
  router.delete(
    '/subscriptions/:id',
    route((req, res, account) => {
      subscriptions.delete(account, String(req.params.id));
      res.status(204).end();
    }),
  );

  // --- JSON batching ---------------------------------------------------------------------------------------
  router.post(
    '/$batch',
    route(async (req, res) => {
      const body = (req.body ?? {}) as { requests?: unknown };
      if (!Array.isArray(body.requests) || body.requests.length === 0) throw badRequest('Invalid batch payload format.', 'BadRequest');
      if (body.requests.length > MAX_BATCH) {
        throw badRequest(`Number of batch request steps exceeds the maximum of ${MAX_BATCH}.`, 'BadRequest');
      }
      const answers = new Map<string, { id: string; status: number; headers: Record<string, string>; body?: unknown }>();
      for (const raw of body.requests as Array<Record<string, unknown>>) {
        const id = String(raw.id ?? '');
        const dependsOn = Array.isArray(raw.dependsOn) ? (raw.dependsOn as unknown[]).map(String) : [];
        if (dependsOn.some((other) => (answers.get(other)?.status ?? 424) >= 400)) {
          answers.set(id, { id, status: 424, headers: {}, body: { error: { code: 'FailedDependency', message: 'A dependency failed.' } } });
          continue;
        }
        answers.set(id, await runBatchItem(deps, req, raw));
      }
      // Graph answers in any order.
      res.json({ responses: [...answers.values()].reverse() });
    }),
  );

  router.use((req: Request, res: Response) => {
    sendGraphError(
      req,
      res,
      new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${req.path.split('/').pop() ?? ''}'.`),
    );
  });
  return router;
}

/** Outlook's per-mailbox limits as a fake enforces them: a request over them answers what Graph answers. */
export interface MailboxLimits {
  /** Starts a request for the mailbox; undefined when it is over a limit. */
  enter(mailbox: string): (() => void) | undefined;
}

function mailboxThrottled(): GraphHttpError {
  return new GraphHttpError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', { 'Retry-After': '1' });
}

function accessDenied(): GraphHttpError {
  return new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
}

/** One request of a `$batch`, run against this server with the batch's own bearer token. */
async function runBatchItem(deps: GraphRouteDeps, req: Request, raw: Record<string, unknown>) {
  const id = String(raw.id ?? '');
  const method = String(raw.method ?? 'GET').toUpperCase();
  const url = String(raw.url ?? '');
  const headers: Record<string, string> = {
    ...((raw.headers as Record<string, string> | undefined) ?? {}),
    authorization: req.get('authorization') ?? '',
    [BATCH_ITEM_HEADER]: '1',
  };
  if (raw.body !== undefined) headers['content-type'] = 'application/json';
  const target = `${deps.baseUrl()}/v1.0/${url.replace(/^\/+/, '').replace(/^v1\.0\//, '')}`;
  const answer = await deps.selfFetch(target, { method, headers, ...(raw.body !== undefined ? { body: JSON.stringify(raw.body) } : {}) });
  const text = await answer.text();
  const answerHeaders: Record<string, string> = {};
  for (const name of ['retry-after', 'content-type', 'location']) {
    const value = answer.headers.get(name);
    if (value) answerHeaders[name === 'retry-after' ? 'Retry-After' : name] = value;
  }
  let body: unknown;
  try {
    body = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    body = text;
  }
  return { id, status: answer.status, headers: answerHeaders, ...(body !== undefined ? { body } : {}) };
}
