// One JSON error shape for every failure: { error: { code, message, details? } }. Handlers throw ApiError;
// the error middleware turns anything else into a 500 without leaking a stack trace or internal message.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';

export interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ field: string; message: string }> };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Array<{ field: string; message: string }>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  static notFound(what = 'Resource'): ApiError {
    return new ApiError(404, 'not_found', `${what} not found`);
  }

  static fromZod(error: z.ZodError, location: string): ApiError {
    const details = error.issues.map((issue) => ({
      field: [location, ...issue.path.map(String)].join('.'),
      message: issue.message,
    }));
    const first = details[0];
    return new ApiError(400, 'invalid_request', first ? `${first.field}: ${first.message}` : 'Invalid request', details);
  }
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _request, response, _next) => {
    if (error instanceof ApiError) {
      response.set(error.headers);
      const body: ErrorBody = { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
      response.status(error.status).json(body);
      return;
    }
    // body-parser errors (malformed JSON, payload too large) carry a status and a type.
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (error as { type?: string }).type;
      const code = type === 'entity.too.large' ? 'payload_too_large' : 'invalid_request';
      const message = type === 'entity.too.large' ? 'Request body is too large' : 'Request body is not valid JSON';
      response.status(status).json({ error: { code, message } } satisfies ErrorBody);
      return;
    }
    logger.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'unhandled API error');
    response.status(500).json({ error: { code: 'internal', message: 'Internal error' } } satisfies ErrorBody);
  };
}
