// Conflicts of two-way sync (ce_calendar_event_conflicts): the base, both sides and what was chosen, by the
// last-write-wins policy or by a person.
import type { Db } from '../db/client';
import type { MergeResolution } from '../domain/merge/three-way';
import type { EventVersion } from '../domain/merge/event-version';
import { emitChange } from './outbox';

/** A stored version JSON (conflict records add `modifiedAt`, which is not part of the version). */
export function storedVersion(json: string): EventVersion {
  const { status, title, description, location, start, end, recurrence } = JSON.parse(json) as EventVersion;
  return { status, title, description, location, start, end, recurrence };
}

/** Records a conflict the policy resolved (and reports it: conflict.created); returns its id. */
export async function recordConflict(
  db: Db,
  input: {
    eventId: string;
    base: EventVersion;
    local: EventVersion;
    remote: EventVersion;
    choice: MergeResolution;
    resolved: EventVersion;
    localModifiedAt: number;
  },
): Promise<string> {
  return db.$transaction(async (tx) => {
    const conflict = await tx.eventConflict.create({
      data: {
        eventId: input.eventId,
        baseVersion: JSON.stringify(input.base),
        localVersion: JSON.stringify({ ...input.local, modifiedAt: new Date(input.localModifiedAt).toISOString() }),
        remoteVersion: JSON.stringify(input.remote),
        policy: 'last_write_wins',
        resolution: input.choice,
        resolvedVersion: JSON.stringify(input.resolved),
        resolvedBy: 'policy',
        resolvedAt: new Date(),
      },
      include: { event: { select: { organizationId: true, connectionId: true } } },
    });
    await emitChange(tx, {
      organizationId: conflict.event.organizationId,
      connectionId: conflict.event.connectionId,
      type: 'conflict.created',
      data: { conflictId: conflict.id, eventId: input.eventId, policy: conflict.policy, resolution: conflict.resolution },
    });
    return conflict.id;
  });
}

/** A conflict of the connection's events, with its event; null when there is none. */
export function conflictOfConnection(db: Db, connectionId: string, conflictId: string) {
  return db.eventConflict.findFirst({ where: { id: conflictId, event: { connectionId } }, include: { event: true } });
}

/** A person's choice, recorded on the conflict (and reported: conflict.resolved). */
export async function recordManualResolution(
  db: Db,
  conflictId: string,
  resolution: { choice: 'local' | 'remote' | 'merged'; version: EventVersion; actor: string },
): Promise<void> {
  await db.$transaction(async (tx) => {
    const conflict = await tx.eventConflict.update({
      where: { id: conflictId },
      data: {
        policy: 'manual',
        resolution: resolution.choice,
        resolvedVersion: JSON.stringify(resolution.version),
        resolvedBy: resolution.actor,
        resolvedAt: new Date(),
      },
      include: { event: { select: { organizationId: true, connectionId: true } } },
    });
    await emitChange(tx, {
      organizationId: conflict.event.organizationId,
      connectionId: conflict.event.connectionId,
      type: 'conflict.resolved',
      data: { conflictId, eventId: conflict.eventId, choice: resolution.choice, resolvedBy: resolution.actor },
    });
  });
}
