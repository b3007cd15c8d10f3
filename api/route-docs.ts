// How each route describes itself for the OpenAPI document: the zod schemas it validates with, the
// permission it needs and its responses. Route modules export arrays of these next to their routers.
import type { z } from 'zod';
import type { Permission } from './auth/permissions';

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path syntax: /v1/connections/{connectionId}. */
  path: string;
  summary: string;
  tag: string;
  /** False for public endpoints (health, OAuth callback, webhooks, docs). */
  auth: boolean;
  permission?: Permission;
  params?: z.ZodObject;
  query?: z.ZodType;
  headers?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ResponseDoc>;
}

/** The error responses every authenticated route can give. */
export function standardErrors(extra: number[] = []): Record<number, ResponseDoc> {
  const all: Record<number, string> = {
    400: 'Invalid input; `details` names each field',
    401: 'Missing, invalid or expired token',
    403: 'The token lacks the permission named in the message',
    404: "Not found (also another organization's or user's resource)",
    409: 'Conflicts with the resource state',
    429: 'Rate limited; see Retry-After',
    503: 'Temporal or the database is unreachable',
  };
  const codes = [400, 401, 403, 429, 503, ...extra];
  return Object.fromEntries(codes.map((code) => [code, { description: all[code] ?? 'Error' }]));
}
