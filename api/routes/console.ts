// GET /console/*: the console (console/, a React app built into console/dist by scripts/ensure-deps.sh),
// served as static files with an SPA fallback: any other path under /console answers index.html and the
// app routes in the browser. Not in the OpenAPI document (it is a web page, not an API). The console calls
// the public API only, with a bearer token it keeps in memory: no cookies, so no CSRF surface.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type Response } from 'express';
import { PROJECT_ROOT } from '../../config';

export const CONSOLE_DIST_DIR = path.join(PROJECT_ROOT, 'console', 'dist');

/** The console loads only its own files and talks only to this origin; nobody may frame it (clickjacking). */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

function sendIndex(distDir: string, response: Response): void {
  const index = path.join(distDir, 'index.html');
  if (!existsSync(index)) {
    response
      .status(503)
      .type('text')
      .send(
        'The console is not built. `npm start` builds it (scripts/ensure-deps.sh), or run `cd console && npm install && npm run build`.',
      );
    return;
  }
  // index.html names the hashed asset files of the current build: never cached.
  response.set('Cache-Control', 'no-cache').sendFile(index);
}

export function consoleRouter(distDir: string = CONSOLE_DIST_DIR): Router {
  const router = Router();
  router.use('/console', (_request, response, next) => {
    response.set(SECURITY_HEADERS);
    next();
  });
  // Hashed file names: cache for a year. A missing asset is a 404, not the app.
  router.use(
    '/console/assets',
    express.static(path.join(distDir, 'assets'), { index: false, fallthrough: false, immutable: true, maxAge: '1y' }),
  );
  router.use('/console', express.static(distDir, { index: false, redirect: false }));
  router.get(['/console', '/console/{*rest}'], (request, response) => {
    // Relative asset URLs need the trailing slash (Express's routing treats both spellings alike).
    if (request.originalUrl.split('?')[0] === '/console') response.redirect(301, '/console/');
    else sendIndex(distDir, response);
  });
  return router;
}
