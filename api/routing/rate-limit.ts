// Rate limits, counted in one table every API replica shares (api_rate_limits, rate-limiter-flexible's
// Prisma store): two replicas enforce one limit. The Prisma store is the one that works unchanged on both
// databases this service runs on, SQLite and PostgreSQL, through the client and migrations the service
// already has (the library's PostgreSQL store would create its own table at run time, which the
// application's database role must not be allowed to do). A key over its limit is also blocked in the
// replica's memory until its window ends, so an attacker hammering one replica costs it no database work;
// while the database is unreachable each replica falls back to counting in memory.
//  - addressRateLimit: the public routes (webhooks, iCal feeds, the OAuth callback and return page, health),
//    per client address (TRUST_PROXY says which proxies' X-Forwarded-For to believe).
//  - AuthFailureLimit: failed bearer checks per client address, counted in the shared table; past the limit
//    every bearer request from that address is refused until the window ends (no more guessing, no more
//    signature checks). A successful check costs no database work: each replica learns that an address is
//    over the limit from the count its own next failure returns, and refuses it from memory from then on.
//  - perCallerRateLimit: every authenticated request, per organization and user, counted in each replica's
//    memory (a shared count would cost a database write per request; the public and failure limits are the
//    ones an outsider can reach).
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../../db/client';
import { callerOf } from '../auth/middleware';
import { ApiError } from './errors';

const WINDOW_SECONDS = 60;

/** Addresses and callers are stored hashed: the table needs to tell them apart, not to know them. */
const keyOf = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('base64url');

export function sharedLimiter(db: Db, keyPrefix: string, perMinute: number): RateLimiterPrisma {
  return new RateLimiterPrisma({
    storeClient: db,
    tableName: 'rateLimitBucket',
    keyPrefix,
    points: perMinute,
    duration: WINDOW_SECONDS,
    inMemoryBlockOnConsumed: perMinute + 1,
    // Expired counters are deleted by the cleanup workflow, not by a timer in every API process.
    clearExpiredByTimeout: false,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points: perMinute, duration: WINDOW_SECONDS }),
  });
}

function tooMany(refusal: unknown, message: string): ApiError {
  const ms = refusal instanceof RateLimiterRes ? refusal.msBeforeNext : WINDOW_SECONDS * 1000;
  const retryAfter = Math.max(1, Math.ceil(ms / 1000));
  return new ApiError(429, 'rate_limited', `${message}; retry after ${retryAfter} s`, undefined, { 'Retry-After': String(retryAfter) });
}

/** The client's address (request.ip honours TRUST_PROXY: app.set('trust proxy', ...)). */
export const clientAddress = (request: Request) => request.ip ?? request.socket.remoteAddress ?? 'unknown';

async function consume(limiter: RateLimiterPrisma | RateLimiterMemory, key: string, message: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) throw tooMany(refusal, message);
    throw refusal;
  }
}

export function perCallerRateLimit(perMinute: number): RequestHandler {
  const limiter = new RateLimiterMemory({ keyPrefix: 'caller', points: perMinute, duration: WINDOW_SECONDS });
  return async (_request, response: Response, next) => {
    const caller = callerOf(response);
    await consume(limiter, keyOf(caller.organizationId, caller.userId), 'Too many requests');
    next();
  };
}

export function addressRateLimit(limiter: RateLimiterPrisma): RequestHandler {
  return async (request, _response, next) => {
    await consume(limiter, keyOf(clientAddress(request)), 'Too many requests from this address');
    next();
  };
}

export class AuthFailureLimit {
  /** Addresses this replica knows to be over the limit, until when (epoch ms). */
  readonly #blockedUntil = new Map<string, number>();

  constructor(private readonly limiter: RateLimiterPrisma) {}

  /** Refuses (429) an address that failed too many bearer checks in the current window. No I/O. */
  async check(request: Request): Promise<void> {
    const key = keyOf(clientAddress(request));
    const until = this.#blockedUntil.get(key);
    if (until === undefined) return;
    if (until <= Date.now()) {
      this.#blockedUntil.delete(key);
      return;
    }
    throw tooMany(new RateLimiterRes(0, until - Date.now()), 'Too many failed authentication attempts');
  }

  /** Counts one failed bearer check of the address, in the table every replica shares. */
  async failed(request: Request): Promise<void> {
    const key = keyOf(clientAddress(request));
    const counted = await this.limiter.penalty(key).catch(() => null);
    if (counted && counted.consumedPoints >= this.limiter.points) this.#blockedUntil.set(key, Date.now() + counted.msBeforeNext);
  }
}
