// The Express application: a thin layer that validates input, talks to workflows (signals, updates,
// queries) and reads the database. Every route module receives the same dependencies.
import express, { type Express } from 'express';
import { errorMiddleware, ApiError } from './errors';
import type { ApiDependencies } from './dependencies';
import { diagnosticsRouter } from './routes/diagnostics';
import { healthRouter } from './routes/health';

export function createApp(deps: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(express.json({ limit: '100kb' }));

  app.use(healthRouter(deps));
  app.use(diagnosticsRouter(deps));

  app.use((_request, _response, next) => next(new ApiError(404, 'not_found', 'No such endpoint')));
  app.use(errorMiddleware(deps.logger));
  return app;
}
