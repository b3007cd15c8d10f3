// Graph's error body: {"error":{"code","message","innerError":{"request-id","date","client-request-id"}}}.
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';

export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function graphErrorBody(req: Request, code: string, message: string) {
  const clientRequestId = req.get('client-request-id') ?? randomUUID();
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': randomUUID(),
        'client-request-id': clientRequestId,
      },
    },
  };
}

export function sendGraphError(req: Request, res: Response, error: GraphHttpError): void {
  for (const [k, v] of Object.entries(error.headers)) res.setHeader(k, v);
  res.status(error.status).json(graphErrorBody(req, error.code, error.message));
}

export const notFound = () => new GraphHttpError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
export const badRequest = (message: string, code = 'ErrorInvalidRequest') => new GraphHttpError(400, code, message);
