// How injected faults look on Google's wire.

import type { ServerResponse } from 'node:http';

import type { FaultRenderer } from '../http/faults';
import type { FaultSpec } from '../types';
import { sendGoogleError } from './errors';

/** Google-only refinement: throttle with `403 rateLimitExceeded|userRateLimitExceeded|quotaExceeded` instead of 429. */
export interface GoogleFaultSpec extends FaultSpec {
  rateLimitStatus?: 403 | 429;
  rateLimitReason?: 'rateLimitExceeded' | 'userRateLimitExceeded' | 'quotaExceeded';
}

export const renderGoogleFault: FaultRenderer = (res: ServerResponse, fault) => {
  const spec = fault as GoogleFaultSpec;
  const retryAfter: Record<string, string> = spec.retryAfterSeconds !== undefined ? { 'retry-after': String(spec.retryAfterSeconds) } : {};
  switch (fault.kind) {
    case 'rate_limit': {
      const reason = spec.rateLimitReason ?? 'rateLimitExceeded';
      const message =
        reason === 'quotaExceeded'
          ? 'Calendar usage limits exceeded.'
          : reason === 'userRateLimitExceeded'
            ? 'User Rate Limit Exceeded'
            : 'Rate Limit Exceeded';
      sendGoogleError(res, spec.rateLimitStatus ?? 429, { domain: 'usageLimits', reason, message }, retryAfter);
      return;
    }
    case 'server_error':
      sendGoogleError(res, 500, { reason: 'backendError', message: 'Backend Error' });
      return;
    case 'forbidden':
      sendGoogleError(res, 403, { reason: 'forbidden', message: 'Forbidden' });
      return;
    case 'unavailable':
      sendGoogleError(res, 503, { reason: 'backendError', message: 'The service is currently unavailable.' }, retryAfter);
      return;
    case 'malformed': {
      // Declared JSON, but truncated mid-document.
      const body = '{"kind":"calendar#events","items":[{"id":"abc","status":';
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
  }
};
