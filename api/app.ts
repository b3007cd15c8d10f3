// The Express application: a thin layer over the routes' declarations (api/routes/*, each route declared
// once with api/routing/route.ts). Public routes (health, docs, OAuth callback, provider webhooks, iCal
// feeds) come first; everything else under /v1 needs a Bearer token and is rate limited per token.
import express, { type Express } from 'express';
import { authenticate } from './auth/middleware';
import { createTokenVerifier } from './auth/verifier';
import { apiContext, type ApiDependencies } from './context';
import { ApiError, errorMiddleware } from './routing/errors';
import { perCallerRateLimit } from './routing/rate-limit';
import { routerOf, type Route } from './routing/route';
import { calendarRoutes } from './routes/calendars';
import { conflictRoutes } from './routes/conflicts';
import { connectionRoutes } from './routes/connections';
import { diagnosticRoutes } from './routes/diagnostics';
import { docsRouter } from './routes/docs';
import { eventEditRoutes } from './routes/event-edits';
import { eventRoutes } from './routes/events';
import { freeBusyRoutes } from './routes/freebusy';
import { heldDeletionRoutes } from './routes/held-deletions';
import { healthRoutes } from './routes/health';
import { icalFeedRoutes, icalRoutes } from './routes/ical';
import { meetingRoutes } from './routes/meetings';
import { oauthRoutes } from './routes/oauth';
import { oauthClientRoutes } from './routes/oauth-clients';
import { providerRoutes } from './routes/providers';
import { settingsRoutes } from './routes/settings';
import { vaultMigrationRoutes } from './routes/vault-migration';
import { webhookRoutes } from './routes/webhooks';

/** Routes anyone may call: providers, browsers and calendar apps carry no API token. */
export const PUBLIC_ROUTES: Route[] = [...healthRoutes, ...oauthRoutes, ...webhookRoutes, ...icalFeedRoutes];

/** Routes that need a bearer token, in the order the API reference lists them. */
export const AUTHENTICATED_ROUTES: Route[] = [
  ...providerRoutes,
  ...connectionRoutes,
  ...heldDeletionRoutes,
  ...meetingRoutes,
  ...eventRoutes,
  ...eventEditRoutes,
  ...conflictRoutes,
  ...freeBusyRoutes,
  ...settingsRoutes,
  ...calendarRoutes,
  ...icalRoutes,
  ...oauthClientRoutes,
  ...vaultMigrationRoutes,
  ...diagnosticRoutes,
];

export async function createApp(deps: ApiDependencies): Promise<Express> {
  const ctx = apiContext(deps);
  const { config } = deps;
  const verify = await createTokenVerifier(config, config.DATA_DIR);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(express.json({ limit: '100kb' }));

  app.use(
    docsRouter(
      [...PUBLIC_ROUTES, ...AUTHENTICATED_ROUTES].map((route) => route.doc),
      config.publicUrl,
    ),
  );
  app.use(routerOf(PUBLIC_ROUTES, ctx));
  app.use('/v1', authenticate(verify), perCallerRateLimit(config.API_RATE_LIMIT_PER_MINUTE));
  app.use(routerOf(AUTHENTICATED_ROUTES, ctx));

  app.use((_request, _response, next) => next(new ApiError(404, 'not_found', 'No such endpoint')));
  app.use(errorMiddleware(deps.logger));
  return app;
}
