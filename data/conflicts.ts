// Conflicts of two-way sync (ce_calendar_event_conflicts): the base, both sides and what was chosen, by the
// last-write-wins policy or by a person.
import type { Db } from '../db/client';
import type { MergeResolution } from '../domain/merge/three-way';
import type { EventVersion } from '../domain/merge/event-version';

/** A stored version JSON (conflict records add `modifiedAt`, which is not part of the version). */
export function storedVersion(json: string): EventVersion {
  const { status, title, description, location, start, end, recurrence } = JSON.parse(json) as EventVersion;
  return { status, title, description, location, start, end, recurrence };
}

/** Records a conflict the policy resolved; returns its id. */
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
  const conflict = await db.eventConflict.create({
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
  });
  return conflict.id;
}

/** A conflict of the connection's events, with its event; null when there is none. */
export function conflictOfConnection(db: Db, connectionId: string, conflictId: string) {
  return db.eventConflict.findFirst({ where: { id: conflictId, event: { connectionId } }, include: { event: true } });
}

/** A person's choice, recorded on the conflict. */
export async function recordManualResolution(
  db: Db,
  conflictId: string,
  resolution: { choice: 'local' | 'remote' | 'merged'; version: EventVersion; actor: string },
): Promise<void> {
  await db.eventConflict.update({
    where: { id: conflictId },
    data: {
      policy: 'manual',
      resolution: resolution.choice,
      resolvedVersion: JSON.stringify(resolution.version),
      resolvedBy: resolution.actor,
      resolvedAt: new Date(),
    },
  });
}
