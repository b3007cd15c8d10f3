// Tenant isolation for connections: every lookup is scoped by the caller's organization, and a
// connection is visible only to its owner (events also to holders of view-all in the same organization).
// Anything else answers 404 exactly like a missing row, so ids of other tenants cannot be probed.
import type { CalendarConnectionModel, Db } from '../db/client';
import type { Caller } from './auth/verifier';
import { PERMISSIONS } from './auth/permissions';
import { ApiError } from './routing/errors';
import { failureAnswer } from './routing/failure-responses';

export async function ownedConnection(db: Db, caller: Caller, connectionId: string): Promise<CalendarConnectionModel> {
  const row = await db.calendarConnection.findFirst({
    where: { id: connectionId, organizationId: caller.organizationId, userId: caller.userId },
  });
  if (!row) throw ApiError.notFound('Connection');
  return row;
}

/** The owner, or anyone of the organization holding view-all, may read a connection's events. */
export async function viewableConnection(db: Db, caller: Caller, connectionId: string): Promise<CalendarConnectionModel> {
  const row = await db.calendarConnection.findFirst({ where: { id: connectionId, organizationId: caller.organizationId } });
  if (!row || (row.userId !== caller.userId && !caller.permissions.has(PERMISSIONS.viewAll))) throw ApiError.notFound('Connection');
  return row;
}

export const disconnected = () => new ApiError(409, 'connection_disconnected', 'The connection is disconnected');

/** The caller's own connection, unless it is disconnected. */
export async function connectedConnection(db: Db, caller: Caller, connectionId: string): Promise<CalendarConnectionModel> {
  const row = await ownedConnection(db, caller, connectionId);
  if (row.status === 'disconnected') throw disconnected();
  return row;
}

/** The caller's own connection, able to write to its calendar now (connected, access not revoked). */
export async function writableConnection(db: Db, caller: Caller, connectionId: string): Promise<CalendarConnectionModel> {
  const row = await connectedConnection(db, caller, connectionId);
  if (row.status === 'needs_reconnect') throw new ApiError(409, 'reconnect_required', 'The calendar account revoked access; reconnect it');
  // Connected by the organization for availability only: nothing is written to the calendar.
  if (row.organizationConnectionId) {
    const org = await db.organizationConnection.findUnique({ where: { id: row.organizationConnectionId }, select: { mode: true } });
    if (org?.mode === 'freebusy') throw failureAnswer({ code: 'availability_only' }, 'Connection');
  }
  return row;
}

/**
 * A connection the caller may end or re-authorize: their own, and not organization-managed unless they are
 * an admin (an admin removes enrolled users; the user cannot take their calendar out of the organization's).
 */
export async function userControlledConnection(db: Db, caller: Caller, connectionId: string): Promise<CalendarConnectionModel> {
  const row = await db.calendarConnection.findFirst({ where: { id: connectionId, organizationId: caller.organizationId } });
  const isAdmin = caller.permissions.has(PERMISSIONS.admin);
  if (!row || (row.userId !== caller.userId && !(isAdmin && row.organizationConnectionId))) throw ApiError.notFound('Connection');
  if (row.organizationConnectionId && !isAdmin) throw failureAnswer({ code: 'organization_managed' }, 'Connection');
  return row;
}
