// Authentication (Bearer token -> caller) and permission checks. The caller is kept in response.locals
// for the rest of the request; handlers read it with callerOf().
import type { RequestHandler, Response } from 'express';
import { ApiError } from '../routing/errors';
import type { Permission } from './permissions';
import { InvalidTokenError, type Caller, type TokenVerifier } from './verifier';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;
const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer' };

export function authenticate(verify: TokenVerifier): RequestHandler {
  return async (request, response, next) => {
    const header = request.get('authorization');
    if (!header) throw new ApiError(401, 'unauthorized', 'Authorization: Bearer <token> is required', undefined, UNAUTHORIZED_HEADERS);
    const match = header.length <= 8192 ? BEARER.exec(header) : null;
    if (!match) throw new ApiError(401, 'unauthorized', 'Authorization header must be "Bearer <JWT>"', undefined, UNAUTHORIZED_HEADERS);
    try {
      response.locals.caller = await verify(match[1]!);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new ApiError(401, 'unauthorized', error.message, undefined, UNAUTHORIZED_HEADERS);
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
