// Graph's side of fault injection: the shared injector (fakes/http/faults.ts) decides which request fails;
// this renders the failure as Graph does (429 / 503 with Retry-After, 500 generalException, and for the
// token endpoint the identity platform's error shape), or an unreadable 200 for `malformed`.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { FaultInjector, type FaultRenderer } from '../http/faults';

export function createFaultInjector(): FaultInjector {
  return new FaultInjector((path) => !path.startsWith('/__fake'));
}

function graphBody(code: string, message: string) {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': randomUUID(),
        'client-request-id': randomUUID(),
      },
    },
  };
}

function identityBody(error: string) {
  return { error, error_description: 'AADSTS90033: A transient error has occurred. Please try again.', error_codes: [90033] };
}

function renderer(isToken: boolean): FaultRenderer {
  return (res: ServerResponse, fault) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(text);
    };
    const retryAfter = { 'Retry-After': String(fault.retryAfterSeconds ?? 1) };
    switch (fault.kind) {
      case 'rate_limit':
        return send(
          429,
          isToken
            ? identityBody('temporarily_unavailable')
            : graphBody('TooManyRequests', 'Too many requests, please retry after some time.'),
          retryAfter,
        );
      case 'unavailable':
        return send(
          503,
          isToken
            ? identityBody('temporarily_unavailable')
            : graphBody('MailboxConcurrency', 'Application is over its MailboxConcurrency limit.'),
          retryAfter,
        );
      case 'server_error':
        return send(500, isToken ? identityBody('server_error') : graphBody('generalException', 'An internal server error occurred.'));
      case 'forbidden':
        return send(
          403,
          isToken ? identityBody('invalid_request') : graphBody('ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
        );
      case 'malformed':
        return send(200, '{"value": "this is not a collection", "@odata.nextLink": 42');
      default:
        return send(500, graphBody('generalException', 'Unknown fault.'));
    }
  };
}

export function faultMiddleware(injector: FaultInjector) {
  return (req: Request, res: Response, next: NextFunction): void => {
    injector
      .apply(req, res, req.originalUrl, renderer(req.path.includes('/oauth2/')))
      .then((outcome) => {
        if (outcome === 'continue') next();
      })
      .catch(next);
  };
}
