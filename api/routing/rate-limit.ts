// Per-token rate limiting (organization + user), after authentication, so one caller cannot starve others.
// In-memory: each API replica counts on its own (a shared store is a drop-in for express-rate-limit).
import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import { callerOf } from '../auth/middleware';
import { ApiError } from './errors';

export function perCallerRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (_request, response) => {
      const caller = callerOf(response);
      return `${caller.organizationId}\u0000${caller.userId}`;
    },
    handler: (request, _response, next) => {
      const resetTime = (request as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + 60_000) - Date.now()) / 1000));
      next(
        new ApiError(429, 'rate_limited', `Too many requests; retry after ${retryAfter} s`, undefined, {
          'Retry-After': String(retryAfter),
        }),
      );
    },
  });
}
