// GET /openapi.json (the contract, generated from the route declarations) and GET /docs (Swagger UI,
// served from the swagger-ui-dist package so no CDN is needed), plus the static assets routes refer to
// (provider icons).
import path from 'node:path';
import express, { Router } from 'express';
import { buildOpenApiDocument } from '../routing/openapi';
import type { RouteDoc } from '../routing/route';

// swagger-ui-dist ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getAbsoluteFSPath } = require('swagger-ui-dist') as { getAbsoluteFSPath(): string };

const STATIC_DIR = path.join(__dirname, '..', 'static');

export function docsRouter(routes: RouteDoc[], serverUrl: string): Router {
  const router = Router();
  const document = buildOpenApiDocument(routes, { version: '1.0.0', serverUrl });

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
