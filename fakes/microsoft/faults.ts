// Fault injection for the Graph fake: the next N matching requests, or a fraction of them, fail the way
// Graph fails (429 / 503 with Retry-After, 500 generalException), answer slowly, or lose the connection.
import type { NextFunction, Request, Response } from 'express';
import type { FaultSpec } from '../types';
import { graphErrorBody } from './graph-errors';

interface ActiveFault extends FaultSpec {
  remaining: number | undefined;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  add(fault: FaultSpec): void {
    this.faults.push({ ...fault, remaining: fault.count ?? (fault.rate === undefined ? 1 : undefined) });
  }

  clear(): void {
    this.faults = [];
  }

  private take(path: string): FaultSpec | undefined {
    for (const f of this.faults) {
      if (f.pathIncludes && !path.includes(f.pathIncludes)) continue;
      if (f.remaining !== undefined) {
        if (f.remaining <= 0) continue;
        f.remaining -= 1;
        return f;
      }
      if (Math.random() < (f.rate ?? 0)) return f;
    }
    return undefined;
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (req.path.startsWith('/__fake')) return next();
      const fault = this.take(req.originalUrl);
      if (!fault) return next();
      this.faults = this.faults.filter((f) => f.remaining === undefined || f.remaining > 0);
      const isToken = req.path.includes('/oauth2/');
      const retryAfter = String(fault.retryAfterSeconds ?? 1);
      switch (fault.kind) {
        case 'slow':
          setTimeout(next, fault.delayMs ?? 2000);
          return;
        case 'drop':
          req.socket.destroy();
          return;
        case 'rate_limit':
          res.setHeader('Retry-After', retryAfter);
          res.status(429).json(isToken ? identityError('temporarily_unavailable') : graphErrorBody(req, 'TooManyRequests', 'Too many requests, please retry after some time.'));
          return;
        case 'unavailable':
          res.setHeader('Retry-After', retryAfter);
          res.status(503).json(isToken ? identityError('temporarily_unavailable') : graphErrorBody(req, 'MailboxConcurrency', 'Application is over its MailboxConcurrency limit.'));
          return;
        case 'server_error':
          res.status(500).json(isToken ? identityError('server_error') : graphErrorBody(req, 'generalException', 'An internal server error occurred.'));
          return;
        default:
          next();
      }
    };
  }
}

function identityError(error: string) {
  return { error, error_description: 'AADSTS90033: A transient error has occurred. Please try again.', error_codes: [90033] };
}
