// Authentication (Bearer token -> caller) and permission checks. The caller is kept in response.locals
// for the rest of the request; handlers read it with callerOf().
import type { Request, RequestHandler, Response } from 'express';
import { ApiError } from '../routing/errors';
import type { Permission } from './permissions';
import { InvalidTokenError, type Caller, type TokenVerifier } from './verifier';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;
const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer' };

/** An address that failed too many bearer checks is refused before its next token is even looked at. */
export interface FailedAuthentication {
  check(request: Request): Promise<void>;
  failed(request: Request): Promise<void>;
}

export function authenticate(verify: TokenVerifier, failures: FailedAuthentication): RequestHandler {
  return async (request, response, next) => {
    await failures.check(request);
    const refuse = async (message: string) => {
      await failures.failed(request);
      return new ApiError(401, 'unauthorized', message, undefined, UNAUTHORIZED_HEADERS);
    };
    const header = request.get('authorization');
    if (!header) throw await refuse('Authorization: Bearer <token> is required');
    const match = header.length <= 8192 ? BEARER.exec(header) : null;
    if (!match) throw await refuse('Authorization header must be "Bearer <JWT>"');
    try {
      response.locals.caller = await verify(match[1]!);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw await refuse(error.message);
      throw error;
    }
    next();
  };
}

export function callerOf(response: Response): Caller {
  const caller = response.locals.caller as Caller | undefined;
  if (!caller) throw new ApiError(401, 'unauthorized', 'Authorization: Bearer <token> is required');
  return caller;
}

/** Throws 403 naming the missing permission. */
export function requirePermission(response: Response, permission: Permission): Caller {
  const caller = callerOf(response);
  if (!caller.permissions.has(permission)) {
    throw new ApiError(403, 'forbidden', `Missing permission ${permission}`, [{ field: 'permissions', message: `requires ${permission}` }]);
  }
  return caller;
}
