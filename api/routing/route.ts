// Each API route is declared once, with this helper: its method and path, who may call it, the zod schemas
// of its parameters, query, headers and body, its responses, and a handler that receives the parsed, typed
// input. The same declaration gives the OpenAPI entry (openapi.ts), the validation (a 400 naming the field),
// the permission check (a 403 naming the permission) and the handler's typed reply.
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { callerOf, requirePermission } from '../auth/middleware';
import type { Permission } from '../auth/permissions';
import type { Caller } from '../auth/verifier';
import type { ApiContext } from '../context';
import { ApiError } from './errors';
import { claimIdempotencyKey, requestHash } from './idempotency';
import { publicContext, tenantContext } from '../tenant-context';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
}

/** The standard error answers every authenticated route can give, plus the ones a route adds. */
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `details` names each field',
  401: 'Missing, invalid or expired token',
  403: 'The token lacks the permission named in the message',
  404: "Not found (also another organization's or user's resource)",
  409: 'Conflicts with the resource state',
  422: 'The request is well-formed but cannot be carried out (the code says why)',
  429: 'Rate limited; see Retry-After',
  502: 'The calendar provider failed',
  503: 'Temporal, the database or the provider is unavailable; see Retry-After',
};

type Schema = z.ZodType | undefined;
type Parsed<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;
type Responses = Record<number, ResponseSpec>;

type Headers = Record<string, string>;

/**
 * What a handler answers, for one of the statuses its route declares: JSON typed by that status's schema,
 * a text body (iCalendar, HTML, a handshake), no body; or a redirect.
 */
export type Reply<R extends Responses> =
  | {
      [S in keyof R & number]:
        | (R[S] extends { schema: infer Z extends z.ZodType }
            ? R[S] extends { contentType: string }
              ? never
              : { status: S; body: z.input<Z>; headers?: Headers }
            : never)
        | { status: S; text: string; contentType: string; headers?: Headers }
        | { status: S; empty: true; headers?: Headers };
    }[keyof R & number]
  | { redirect: string; headers?: Headers };

export interface RouteInput<P extends Schema, Q extends Schema, H extends Schema, B extends Schema> {
  params: Parsed<P>;
  query: Parsed<Q>;
  headers: Parsed<H>;
  body: Parsed<B>;
  /** For what a schema cannot say (content negotiation). */
  request: Request;
}

interface SpecBase<P extends Schema, Q extends Schema, H extends Schema, B extends Schema, R extends Responses> {
  method: Method;
  /** OpenAPI path syntax: /v1/connections/{connectionId}. */
  path: string;
  summary: string;
  tag: string;
  params?: P;
  /** Default: no query parameters at all. */
  query?: Q;
  headers?: H;
  body?: B;
  responses: R;
  /** Error statuses this route gives besides the standard ones. */
  errors?: readonly number[];
  /**
   * The route takes an Idempotency-Key header (`headers['idempotency-key']`): the key is bound to the
   * request (idempotency.ts), and reusing it with another request answers 422 idempotency_key_reused.
   */
  idempotent?: boolean;
}

/** A route that needs a bearer token (and the permission, when one is named). */
export interface AuthenticatedRouteSpec<
  P extends Schema,
  Q extends Schema,
  H extends Schema,
  B extends Schema,
  R extends Responses,
> extends SpecBase<P, Q, H, B, R> {
  permission: Permission | null;
}

type Handler<I, R extends Responses> = (input: I, ctx: ApiContext) => Promise<Reply<R>>;

/** What the OpenAPI document needs of a route. */
export interface RouteDoc {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  auth: boolean;
  permission?: Permission;
  params?: z.ZodType;
  query?: z.ZodType;
  headers?: z.ZodType;
  body?: z.ZodType;
  responses: Responses;
}

export interface Route {
  doc: RouteDoc;
  /** Mounts the route's handler on `router`. */
  mount(router: Router, ctx: ApiContext): void;
}

export const noQuery = z.strictObject({});

function parse<S extends z.ZodType>(schema: S, value: unknown, location: 'body' | 'query' | 'params' | 'headers'): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw ApiError.fromZod(result.error, location);
  return result.data;
}

function errorResponses(auth: boolean, extra: readonly number[] = []): Responses {
  // Public routes too are rate limited (per client address).
  const codes = auth ? [400, 401, 403, 429, 503, ...extra] : [429, ...extra];
  return Object.fromEntries(codes.map((code) => [code, { description: ERROR_DESCRIPTIONS[code] ?? 'Error' }]));
}

function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

type AnyReply =
  | { status: number; body: unknown; headers?: Headers }
  | { status: number; text: string; contentType: string; headers?: Headers }
  | { status: number; empty: true; headers?: Headers }
  | { redirect: string; headers?: Headers };

function send(response: Parameters<RequestHandler>[1], reply: AnyReply): void {
  if (reply.headers) response.set(reply.headers);
  if ('redirect' in reply) {
    response.redirect(302, reply.redirect);
    return;
  }
  if ('text' in reply) response.status(reply.status).type(reply.contentType).send(reply.text);
  else if ('empty' in reply) response.status(reply.status).end();
  else response.status(reply.status).json(reply.body);
}

function build(
  spec: SpecBase<Schema, Schema, Schema, Schema, Responses>,
  auth: { permission: Permission | null } | null,
  handle: (input: RouteInput<Schema, Schema, Schema, Schema> & { caller?: Caller }, ctx: ApiContext) => Promise<AnyReply>,
): Route {
  const doc: RouteDoc = {
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    tag: spec.tag,
    auth: auth !== null,
    ...(auth?.permission ? { permission: auth.permission } : {}),
    ...(spec.params ? { params: spec.params } : {}),
    query: spec.query ?? noQuery,
    ...(spec.headers ? { headers: spec.headers } : {}),
    ...(spec.body ? { body: spec.body } : {}),
    responses: { ...spec.responses, ...errorResponses(auth !== null, [...(spec.errors ?? []), ...(spec.idempotent ? [422] : [])]) },
  };
  return {
    doc,
    mount(router, ctx) {
      router[spec.method](expressPath(spec.path), async (request, response) => {
        const caller = auth === null ? undefined : auth.permission ? requirePermission(response, auth.permission) : callerOf(response);
        const params = spec.params ? parse(spec.params, request.params, 'params') : undefined;
        const query = parse(spec.query ?? noQuery, request.query, 'query');
        const headers = spec.headers ? parse(spec.headers, request.headers, 'headers') : undefined;
        // A body schema that accepts "no body" gets exactly what was sent; others read an absent body as {}.
        const body = spec.body
          ? parse(spec.body, spec.body.safeParse(undefined).success ? request.body : (request.body ?? {}), 'body')
          : undefined;
        // Authenticated routes act for the caller's organization only; public ones with the system client.
        const scoped = caller ? tenantContext(ctx, caller.organizationId) : publicContext(ctx);
        // The key is bound to the first request that used it, whatever became of it (as the IETF
        // Idempotency-Key draft has it): the same key with another request is refused.
        if (spec.idempotent && caller) {
          await claimIdempotencyKey(scoped.db, {
            organizationId: caller.organizationId,
            userId: caller.userId,
            scope: `${spec.method} ${request.path}`,
            key: (headers as Record<string, string>)['idempotency-key']!,
            requestHash: requestHash({ query, body }),
          });
        }
        send(response, await handle({ params, query, headers, body, request, ...(caller ? { caller } : {}) }, scoped));
      });
    },
  };
}

/**
 * A route that needs a bearer token: `route({ method, path, ..., responses }).handle(async (input, ctx) => reply)`.
 * (Declared in two steps so the handler is typed by the finished declaration: its reply must be one of the
 * declared statuses, with that status's body.)
 */
export function route<P extends Schema, Q extends Schema, H extends Schema, B extends Schema, R extends Responses>(
  spec: AuthenticatedRouteSpec<P, Q, H, B, R>,
) {
  return {
    handle: (handler: Handler<RouteInput<P, Q, H, B> & { caller: Caller }, R>): Route =>
      build(spec as never, { permission: spec.permission }, handler as never),
  };
}

/** A route without a token: providers, browsers and calendar apps call it (webhooks, OAuth, feeds). */
export function publicRoute<P extends Schema, Q extends Schema, H extends Schema, B extends Schema, R extends Responses>(
  spec: SpecBase<P, Q, H, B, R>,
) {
  return { handle: (handler: Handler<RouteInput<P, Q, H, B>, R>): Route => build(spec as never, null, handler as never) };
}

/** A router with every route mounted, in order. */
export function routerOf(routes: Route[], ctx: ApiContext): Router {
  const router = Router();
  for (const one of routes) one.mount(router, ctx);
  return router;
}
