// GET /openapi.json (the contract) and GET /docs (Swagger UI, served from the swagger-ui-dist package so
// no CDN is needed), plus the static assets route modules refer to (provider icons).
import path from 'node:path';
import express, { Router } from 'express';
import type { RouteDoc } from '../route-docs';
import { buildOpenApiDocument } from '../openapi';
import type { ApiContext } from '../dependencies';

// swagger-ui-dist ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getAbsoluteFSPath } = require('swagger-ui-dist') as { getAbsoluteFSPath(): string };

const STATIC_DIR = path.join(__dirname, '..', 'static');

export const docsRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'Health of the API and its dependencies (database, Temporal)',
    tag: 'Operations',
    auth: false,
    responses: { 200: { description: 'Everything is up' }, 503: { description: 'A dependency is down' } },
  },
];

export function docsRouter(ctx: ApiContext, routes: RouteDoc[]): Router {
  const router = Router();
  const document = buildOpenApiDocument([...docsRouteDocs, ...routes], { version: '1.0.0', serverUrl: ctx.config.publicUrl });

  router.get('/openapi.json', (_request, response) => {
    response.json(document);
  });
  router.get('/docs', (_request, response) => {
    response.sendFile(path.join(STATIC_DIR, 'docs.html'));
  });
  router.get('/docs/init.js', (_request, response) => {
    response.type('application/javascript').sendFile(path.join(STATIC_DIR, 'docs-init.js'));
  });
  router.use('/docs/assets', express.static(getAbsoluteFSPath(), { index: false, fallthrough: false }));
  router.use('/static/providers', express.static(path.join(STATIC_DIR, 'providers'), { index: false, fallthrough: false }));
  return router;
}
