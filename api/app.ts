// The Express application: a thin layer that validates input, talks to workflows (signals, updates,
// queries) and reads the database. Public routes (health, docs, OAuth callback, provider webhooks) come
// first; everything else under /v1 needs a Bearer token and is rate limited per token.
import express, { type Express } from 'express';
import { ConnectionService } from '../services/connections';
import { authenticate } from './auth/middleware';
import { createTokenVerifier } from './auth/verifier';
import { loadApiConfig, type ApiConfig } from './config';
import type { ApiContext, ApiDependencies } from './dependencies';
import { errorMiddleware, ApiError } from './errors';
import { perCallerRateLimit } from './rate-limit';
import type { RouteDoc } from './route-docs';
import { connectionRouteDocs, connectionsRouter } from './routes/connections';
import { conflictRouteDocs, conflictsRouter } from './routes/conflicts';
import { diagnosticsRouter } from './routes/diagnostics';
import { docsRouter } from './routes/docs';
import { eventEditRouteDocs, eventEditsRouter } from './routes/event-edits';
import { eventRouteDocs, eventsRouter } from './routes/events';
import { freeBusyRouteDocs, freeBusyRouter } from './routes/freebusy';
import { calendarRouteDocs, calendarsRouter } from './routes/calendars';
import { healthRouter } from './routes/health';
import { historyRouteDocs, historyRouter } from './routes/history';
import { icalFeedRouter, icalRouteDocs, icalRouter } from './routes/ical';
import { meetingRouteDocs, meetingsRouter } from './routes/meetings';
import { oauthRouteDocs, oauthRouter } from './routes/oauth';
import { oauthClientRouteDocs, oauthClientsRouter } from './routes/oauth-clients';
import { providerRouteDocs, providersRouter } from './routes/providers';
import { settingsRouteDocs, settingsRouter } from './routes/settings';
import { vaultMigrationRouteDocs, vaultMigrationRouter } from './routes/vault-migration';
import { webhookRouteDocs, webhooksRouter } from './routes/webhooks';

export const ROUTE_DOCS: RouteDoc[] = [
  ...providerRouteDocs,
  ...connectionRouteDocs,
  ...oauthRouteDocs,
  ...meetingRouteDocs,
  ...eventRouteDocs,
  ...eventEditRouteDocs,
  ...historyRouteDocs,
  ...conflictRouteDocs,
  ...freeBusyRouteDocs,
  ...settingsRouteDocs,
  ...webhookRouteDocs,
  ...calendarRouteDocs,
  ...icalRouteDocs,
  ...oauthClientRouteDocs,
  ...vaultMigrationRouteDocs,
];

export interface CreateAppOptions {
  /** API settings (JWT key, rate limit, OAuth redirect); default: read from process.env. */
  apiConfig?: ApiConfig;
}

export async function createApp(deps: ApiDependencies, options: CreateAppOptions = {}): Promise<Express> {
  const apiConfig = options.apiConfig ?? loadApiConfig(process.env);
  const ctx: ApiContext = { ...deps, apiConfig, connections: new ConnectionService(deps) };
  const verify = await createTokenVerifier(apiConfig, deps.config.DATA_DIR);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(express.json({ limit: '100kb' }));

  app.use(healthRouter(deps));
  app.use(docsRouter(ctx, ROUTE_DOCS));
  app.use(oauthRouter(ctx));
  app.use(webhooksRouter(ctx));
  // iCal feed URLs carry their own secret token: calendar apps cannot send a bearer token.
  app.use(icalFeedRouter(ctx));

  app.use('/v1', authenticate(verify), perCallerRateLimit(apiConfig.API_RATE_LIMIT_PER_MINUTE));
  app.use(providersRouter(ctx));
  app.use(connectionsRouter(ctx));
  app.use(meetingsRouter(ctx));
  app.use(eventsRouter(ctx));
  app.use(eventEditsRouter(ctx));
  app.use(historyRouter(ctx));
  app.use(conflictsRouter(ctx));
  app.use(freeBusyRouter(ctx));
  app.use(settingsRouter(ctx));
  app.use(calendarsRouter(ctx));
  app.use(icalRouter(ctx));
  app.use(oauthClientsRouter(ctx));
  app.use(vaultMigrationRouter(ctx));
  app.use(diagnosticsRouter(deps));

  app.use((_request, _response, next) => next(new ApiError(404, 'not_found', 'No such endpoint')));
  app.use(errorMiddleware(deps.logger));
  return app;
}
