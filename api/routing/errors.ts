// One JSON error shape for every failure: { error: { code, message, details? } }. Handlers throw ApiError;
// the error middleware turns anything else into a 500 without leaking a stack trace or internal message.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { type z } from 'zod';
import { isTemporalUnavailable } from '../../clients/temporal-errors';
import { Prisma } from '../../db/client';

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

  /** A value the schema accepts but this request cannot take, named like a schema error. */
  static invalid(field: string, message: string): ApiError {
    return new ApiError(400, 'invalid_request', `${field}: ${message}`, [{ field, message }]);
  }

  static fromZod(error: z.ZodError, location: string): ApiError {
    // An unknown key is named as the field itself ("body.recurrence: is not accepted here").
    const details = error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ field: [location, ...issue.path.map(String), key].join('.'), message: 'is not accepted here' }))
        : [{ field: [location, ...issue.path.map(String)].join('.'), message: issue.message }],
    );
    const first = details[0];
    return new ApiError(400, 'invalid_request', first ? `${first.field}: ${first.message}` : 'Invalid request', details);
  }
}

/** The Temporal cluster is unreachable. */
export function temporalUnavailable(): ApiError {
  return new ApiError(503, 'temporal_unavailable', 'The workflow engine is unreachable; try again shortly', undefined, {
    'Retry-After': '5',
  });
}

const DB_UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** The database cannot be reached (connection refused, pool exhausted, server gone). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError) return DB_UNAVAILABLE_CODES.has(error.code);
  const code = (error as { code?: unknown; cause?: { code?: unknown } })?.cause?.code ?? (error as { code?: unknown })?.code;
  return code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'SQLITE_BUSY';
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (caught: unknown, _request, response, _next) => {
    let error = caught;
    if (isTemporalUnavailable(error)) error = temporalUnavailable();
    else if (isDatabaseUnavailable(error)) {
      logger.warn({ err: { name: (error as Error).name } }, 'database unavailable');
      error = new ApiError(503, 'database_unavailable', 'The database is unreachable; try again shortly', undefined, {
        'Retry-After': '5',
      });
    }
    if (error instanceof ApiError) {
      response.set(error.headers);
      const body: ErrorBody = { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
      response.status(error.status).json(body);
      return;
    }
    // body-parser and serve-static errors carry a status and (body-parser) a type.
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (error as { type?: string }).type;
      const [code, message] =
        type === 'entity.too.large'
          ? ['payload_too_large', 'Request body is too large']
          : type === 'entity.parse.failed'
            ? ['invalid_request', 'Request body is not valid JSON']
            : status === 404
              ? ['not_found', 'Not found']
              : status === 415
                ? ['unsupported_media_type', 'Unsupported request body encoding']
                : ['invalid_request', 'The request could not be read'];
      response.status(status).json({ error: { code, message } } satisfies ErrorBody);
      return;
    }
    logger.error({ err: error instanceof Error ? causeChain(error) : String(error) }, 'unhandled API error');
    response.status(500).json({ error: { code: 'internal', message: 'Internal error' } } satisfies ErrorBody);
  };
}

/**
 * An unexpected error and its causes (name, message and code each, no stack or payload), so the log says what
 * failed underneath: a Temporal client error's gRPC status sits in its cause.
 */
export function causeChain(error: Error): Array<{ name: string; message: string; status?: unknown }> {
  const chain: Array<{ name: string; message: string; status?: unknown }> = [];
  for (let current: unknown = error; current instanceof Error && chain.length < 5; current = current.cause) {
    // Logged as `status`: the logger redacts any `code` field (an OAuth code is one).
    const status = (current as { code?: unknown }).code;
    chain.push({ name: current.name, message: current.message, ...(status !== undefined ? { status } : {}) });
  }
  return chain;
}
