// An Idempotency-Key is bound to the request it first came with: the same key again with the same request
// replays it (the workflow update with that id answers as the first time); with a different request it is
// refused with 422 idempotency_key_reused, instead of quietly answering with the first request's result.
// Keys are per organization, user and target (method and path); the cleanup workflow forgets them after
// IDEMPOTENCY_KEY_RETENTION_DAYS.
import { createHash } from 'node:crypto';
import type { Db } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import { ApiError } from './errors';

/** JSON with object keys in a fixed order, so `{a,b}` and `{b,a}` are the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestHash(request: { query: unknown; body: unknown }): string {
  return createHash('sha256')
    .update(canonical({ query: request.query, body: request.body }))
    .digest('hex');
}

type Claim = { organizationId: string; userId: string; scope: string; key: string; requestHash: string };

/** Binds the key to the request, or refuses it (422) when it is bound to another. Returns whether this call bound it. */
export async function claimIdempotencyKey(db: Db, claim: Claim): Promise<boolean> {
  const where = {
    organizationId_userId_scope_key: { organizationId: claim.organizationId, userId: claim.userId, scope: claim.scope, key: claim.key },
  };
  const existing = await db.idempotencyKey.findUnique({ where });
  if (!existing) {
    try {
      await db.idempotencyKey.create({ data: claim });
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  const first = existing ?? (await db.idempotencyKey.findUniqueOrThrow({ where }));
  if (first.requestHash !== claim.requestHash) {
    throw new ApiError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was used with a different request; use a new key for a new request',
      [{ field: 'headers.idempotency-key', message: 'already used with a different request' }],
    );
  }
  return false;
}
