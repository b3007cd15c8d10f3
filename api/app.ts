// The Express application: a thin layer over the routes' declarations (api/routes/*, each route declared
// once with api/routing/route.ts). Public routes (health, docs, OAuth callback, provider webhooks, iCal
// feeds, the console's files) come first; everything else under /v1 needs a Bearer token and is rate limited
// per token.
import express, { type Express } from 'express';
import { httpMetrics } from '../observability/http-metrics';
import { authenticate } from './auth/middleware';
import { createTokenVerifier } from './auth/verifier';
import { apiContext, type ApiDependencies } from './context';
import { ApiError, errorMiddleware } from './routing/errors';
import { addressRateLimit, AuthFailureLimit, perCallerRateLimit, sharedLimiter } from './routing/rate-limit';
import { routerOf, type Route } from './routing/route';
import { activityRoutes } from './routes/activities';
import { calendarRoutes } from './routes/calendars';
import { changeRoutes } from './routes/changes';
import { conflictRoutes } from './routes/conflicts';
import { connectionRoutes } from './routes/connections';
import { consoleRouter } from './routes/console';
import { devSignInRoutes, developmentSignInEnabled } from './routes/dev-sign-in';
import { diagnosticRoutes } from './routes/diagnostics';
import { docsRouter } from './routes/docs';
import { eventEditRoutes } from './routes/event-edits';
import { eventRoutes } from './routes/events';
import { freeBusyRoutes } from './routes/freebusy';
import { heldDeletionRoutes } from './routes/held-deletions';
import { healthRoutes } from './routes/health';
import { icalFeedRoutes, icalRoutes } from './routes/ical';
import { meRoutes } from './routes/me';
import { meetingRoutes } from './routes/meetings';
import { notificationRoutes } from './routes/notifications';
import { oauthCompletionRoutes, oauthRoutes } from './routes/oauth';
import { oauthClientRoutes } from './routes/oauth-clients';
import { organizationConnectionRoutes, organizationConsentRoutes } from './routes/organization-connections';
import { providerRoutes } from './routes/providers';
import { settingsRoutes } from './routes/settings';
import { taskRoutes } from './routes/tasks';
import { vaultMigrationRoutes } from './routes/vault-migration';
import { webhookEndpointRoutes } from './routes/webhook-endpoints';
import { WEBHOOK_BODY_LIMIT, webhookRoutes } from './routes/webhooks';

/** Routes anyone may call: providers, browsers and calendar apps carry no API token. */
export const PUBLIC_ROUTES: Route[] = [...healthRoutes, ...oauthRoutes, ...organizationConsentRoutes, ...webhookRoutes, ...icalFeedRoutes];

/** Routes that need a bearer token, in the order the API reference lists them. */
export const AUTHENTICATED_ROUTES: Route[] = [
  ...meRoutes,
  ...providerRoutes,
  ...connectionRoutes,
  ...oauthCompletionRoutes,
  ...heldDeletionRoutes,
  ...meetingRoutes,
  ...eventRoutes,
  ...eventEditRoutes,
  ...activityRoutes,
  ...conflictRoutes,
  ...freeBusyRoutes,
  ...settingsRoutes,
  ...calendarRoutes,
  ...icalRoutes,
  ...oauthClientRoutes,
  ...organizationConnectionRoutes,
  ...vaultMigrationRoutes,
  ...webhookEndpointRoutes,
  ...changeRoutes,
  ...notificationRoutes,
  ...taskRoutes,
  ...diagnosticRoutes,
];

export async function createApp(deps: ApiDependencies): Promise<Express> {
  const { config } = deps;
  const verify = await createTokenVerifier(config, config.DATA_DIR);
  const ctx = apiContext(deps, verify);
  // Development sign-in: mounted (and documented) only on the development key outside production.
  const publicRoutes = developmentSignInEnabled(config) ? [...PUBLIC_ROUTES, ...devSignInRoutes] : PUBLIC_ROUTES;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(httpMetrics(deps.metrics));
  // Counters belong to no organization: kept with the system client.
  const perAddress = addressRateLimit(sharedLimiter(deps.systemDb, 'public', config.PUBLIC_RATE_LIMIT_PER_MINUTE));
  const perWebhookSender = addressRateLimit(sharedLimiter(deps.systemDb, 'webhook', config.WEBHOOK_RATE_LIMIT_PER_MINUTE));
  const authFailures = new AuthFailureLimit(sharedLimiter(deps.systemDb, 'auth-failure', config.AUTH_FAILURES_PER_MINUTE));
  const perCaller = perCallerRateLimit(config.API_RATE_LIMIT_PER_MINUTE);
  // Webhook bodies get a tighter cap than the API's (413 beyond); a body parsed here is not parsed again.
  app.use('/v1/webhooks', express.json({ limit: WEBHOOK_BODY_LIMIT }));
  app.use(express.json({ limit: '100kb' }));

  app.use(
    docsRouter(
      [...publicRoutes, ...AUTHENTICATED_ROUTES].map((route) => route.doc),
      config.publicUrl,
    ),
  );
  app.use(consoleRouter());
  // Public routes are limited per client address before any of their work.
  app.use('/v1/webhooks', perWebhookSender);
  app.use(['/v1/ical', '/v1/oauth/:provider/callback', '/oauth', '/healthz', '/v1/dev'], perAddress);
  app.use(routerOf(publicRoutes, ctx));
  app.use('/v1', authenticate(verify, authFailures), perCaller);
  app.use(routerOf(AUTHENTICATED_ROUTES, ctx));

  app.use((_request, _response, next) => next(new ApiError(404, 'not_found', 'No such endpoint')));
  app.use(errorMiddleware(deps.logger));
  return app;
}
