// Graph requests only an app-only token makes: GET /users (the tenant's directory, paged with $top and
// @odata.nextLink, $select; learn.microsoft.com/graph/api/user-list) and subscriptions on `users/{id}/events`
// (learn.microsoft.com/graph/api/subscription-post-subscriptions). Requests with a delegated token go on to the
// ordinary routes (graph-routes.ts).
import express, { type NextFunction, type Request, type Response } from 'express';

import { directoryAccessDenied, meWithAppToken, requireRole, tenantMailbox, USER_READ } from './app-access';
import type { AppContext, AppTokens } from './app-tokens';
import { GraphHttpError, sendGraphError } from './graph-errors';
import type { Account } from './model';
import type { MicrosoftStore } from './store';
import type { SubscriptionManager } from './subscriptions';
import type { Tenants } from './tenants';

export interface AppOnlyRouteDeps {
  store: MicrosoftStore;
  tenants: Tenants;
  appTokens: AppTokens;
  subscriptions: SubscriptionManager;
  baseUrl: () => string;
}

const USER_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];
const SELECTABLE = new Set([...USER_PROPERTIES, 'accountEnabled', 'mailNickname', 'userType']);
const DEFAULT_TOP = 100;
const MAX_TOP = 999;

function userJson(account: Account): Record<string, unknown> {
  const names = account.displayName.split(' ');
  return {
    businessPhones: [],
    displayName: account.displayName,
    givenName: names[0] ?? null,
    jobTitle: null,
    mail: account.email,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: names.slice(1).join(' ') || null,
    userPrincipalName: account.email,
    id: account.id,
    accountEnabled: true,
    mailNickname: account.email.split('@')[0],
    userType: 'Member',
  };
}

const appKey = (app: AppContext) => `${app.tenantId}:${app.clientId}`;

export function appOnlyRouter(deps: AppOnlyRouteDeps): express.Router {
  const router = express.Router({ caseSensitive: false });
  router.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  const appOnly =
    (handler: (req: Request, res: Response, app: AppContext) => unknown) => async (req: Request, res: Response, next: NextFunction) => {
      const token = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1];
      const app = token ? deps.appTokens.authenticate(token) : undefined;
      if (!app) return next();
      try {
        await handler(req, res, app);
      } catch (error) {
        if (error instanceof GraphHttpError) sendGraphError(req, res, error);
        else next(error);
      }
    };

  router.get(
    '/users',
    appOnly((req, res, app) => {
      requireRole(app, USER_READ, directoryAccessDenied);
      const q = Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k.toLowerCase(), typeof v === 'string' ? v : undefined]));
      const top = q.$top === undefined ? DEFAULT_TOP : Number(q.$top);
      if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
        throw new GraphHttpError(
          400,
          'Request_BadRequest',
          `Invalid page size specified: '${q.$top}'. Must be between 1 and ${MAX_TOP} inclusive.`,
        );
      }
      const select = q.$select ? q.$select.split(',').map((s) => s.trim()) : undefined;
      const unknown = select?.find((name) => !SELECTABLE.has(name));
      if (unknown)
        throw new GraphHttpError(400, 'Request_BadRequest', `Could not find a property named '${unknown}' on type 'microsoft.graph.user'.`);
      const skip = q.$skiptoken ? Number(Buffer.from(q.$skiptoken, 'base64url').toString('utf8')) : 0;
      if (!Number.isInteger(skip) || skip < 0) throw new GraphHttpError(400, 'Request_BadRequest', 'Invalid $skiptoken.');
      const emails = [...(deps.tenants.find(app.tenantId)?.users ?? [])].sort();
      const page = emails.slice(skip, skip + top).map((email) => {
        const full = userJson(deps.store.ensureAccount(email));
        const keys = select ?? USER_PROPERTIES;
        return Object.fromEntries(keys.map((key) => [key, full[key]]));
      });
      const next = skip + top < emails.length ? Buffer.from(String(skip + top)).toString('base64url') : undefined;
      const nextQuery = new URLSearchParams({ $top: String(top), ...(q.$select ? { $select: q.$select } : {}), $skiptoken: next ?? '' });
      res.json({
        '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users${select ? `(${select.join(',')})` : ''}`,
        ...(next ? { '@odata.nextLink': `${deps.baseUrl()}/v1.0/users?${nextQuery.toString()}` } : {}),
        value: page,
      });
    }),
  );

  // --- subscriptions an app makes on a tenant user's events ---------------------------------------------
  router.post(
    '/subscriptions',
    appOnly(async (req, res, app) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const resource = typeof body.resource === 'string' ? body.resource.replace(/^\//, '') : '';
      if (/^me\//i.test(resource)) throw meWithAppToken();
      const userId = /^users\/([^/]+)\//i.exec(resource)?.[1];
      if (!userId) throw new GraphHttpError(400, 'InvalidRequest', `Resource '${resource}' is not supported.`);
      const account = tenantMailbox(deps.store, deps.tenants, app, decodeURIComponent(userId));
      requireRole(app, ['Calendars.Read', 'Calendars.ReadWrite']);
      const subscription = await deps.subscriptions.create(account, app.tenantId, body, appKey(app));
      res.status(201).json(deps.subscriptions.toJson(subscription));
    }),
  );
  router.get(
    '/subscriptions/:id',
    appOnly((req, res, app) => {
      res.json(deps.subscriptions.toJson(deps.subscriptions.get({ app: appKey(app) }, String(req.params.id))));
    }),
  );
  router.patch(
    '/subscriptions/:id',
    appOnly((req, res, app) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      res.json(deps.subscriptions.toJson(deps.subscriptions.renew({ app: appKey(app) }, String(req.params.id), body)));
    }),
  );
  router.post(
    '/subscriptions/:id/reauthorize',
    appOnly((req, res, app) => {
      deps.subscriptions.reauthorize({ app: appKey(app) }, String(req.params.id));
      res.status(204).end();
    }),
  );
  router.delete(
    '/subscriptions/:id',
    appOnly((req, res, app) => {
      deps.subscriptions.delete({ app: appKey(app) }, String(req.params.id));
      res.status(204).end();
    }),
  );
  return router;
}
