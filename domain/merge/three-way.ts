// Three-way merge of an event edited on both sides since the last synced version (the base), with the
// default policy: fields changed on one side only are taken from that side; a field both sides changed to
// different values goes to the side modified last (last-write-wins per field). When the two versions
// cannot be combined field by field (one side cancelled the event, or one side changed the recurrence
// rule while the other moved the series) the newer version wins whole. Ties go to the provider (remote):
// the calendar is what people look at. Pure.
import { mergeRecurrenceLines } from './recurrence-lines';
import { changedFields, fieldEquals, takeField, VERSION_FIELDS, type EventVersion, type VersionField } from './event-version';

export interface MergeInput {
  base: EventVersion;
  local: EventVersion;
  remote: EventVersion;
  /** When each side's change was made (ms since epoch): the CRM request time, the provider's updated time. */
  localModifiedAt: number;
  remoteModifiedAt: number;
}

export type MergeResolution = 'local' | 'remote' | 'merged';

export interface MergeResult {
  merged: EventVersion;
  /**
   * Both sides changed something since the base (a conflict to record, even when it merged cleanly); a
   * remote change identical to the local one does not count.
   */
  conflict: boolean;
  /** Fields both sides changed to different values. */
  collisions: VersionField[];
  /** How the colliding fields (or the whole event) were decided. */
  decision: 'none' | 'per_field' | 'whole_event';
  /** Which side `merged` equals, or `merged` when it combines both. */
  resolution: MergeResolution;
  localChanged: VersionField[];
  remoteChanged: VersionField[];
}

function newerSide(input: MergeInput): 'local' | 'remote' {
  return input.localModifiedAt > input.remoteModifiedAt ? 'local' : 'remote';
}

function resolutionOf(merged: EventVersion, input: MergeInput): MergeResolution {
  if (changedFields(merged, input.remote).length === 0) return 'remote';
  if (changedFields(merged, input.local).length === 0) return 'local';
  return 'merged';
}

/** Whole-event cases: the two versions are not field-wise combinable. */
function needsWholeEvent(local: VersionField[], remote: VersionField[], input: MergeInput): boolean {
  const cancelled = (version: EventVersion) => version.status === 'cancelled';
  if ((cancelled(input.local) || cancelled(input.remote)) && !(cancelled(input.local) && cancelled(input.remote))) return true;
  const ruleVsTime = (a: VersionField[], b: VersionField[]) => a.includes('recurrence') && b.includes('time');
  return ruleVsTime(local, remote) || ruleVsTime(remote, local);
}

export function mergeThreeWay(input: MergeInput): MergeResult {
  const { base, local, remote } = input;
  const localChanged = changedFields(base, local);
  const remoteChanged = changedFields(base, remote);
  // Remote changes that local made identically (e.g. our own earlier write) are no concurrent change.
  const remoteOwn = remoteChanged.filter((field) => !fieldEquals(field, local, remote));
  const localOwn = localChanged.filter((field) => !fieldEquals(field, local, remote));
  if (localOwn.length === 0)
    return { merged: remote, conflict: false, collisions: [], decision: 'none', resolution: 'remote', localChanged, remoteChanged };
  if (remoteOwn.length === 0)
    return { merged: local, conflict: false, collisions: [], decision: 'none', resolution: 'local', localChanged, remoteChanged };
  let collisions = VERSION_FIELDS.filter(
    (field) => localChanged.includes(field) && remoteChanged.includes(field) && !fieldEquals(field, local, remote),
  );
  // Series: exception dates merge as sets; only a rule changed differently on both sides collides.
  let recurrence: string[] | null | undefined;
  if (collisions.includes('recurrence')) {
    const lines = mergeRecurrenceLines(base.recurrence, local.recurrence, remote.recurrence);
    if (!lines.ruleCollision) {
      recurrence = lines.lines;
      collisions = collisions.filter((field) => field !== 'recurrence');
    }
  }
  if (needsWholeEvent(localChanged, remoteChanged, input)) {
    const merged = newerSide(input) === 'local' ? local : remote;
    return {
      merged,
      conflict: true,
      collisions,
      decision: 'whole_event',
      resolution: resolutionOf(merged, input),
      localChanged,
      remoteChanged,
    };
  }
  const winner = newerSide(input);
  let merged = remote;
  for (const field of localChanged) {
    if (!collisions.includes(field) || winner === 'local') merged = takeField(merged, local, field);
  }
  if (recurrence !== undefined) merged = { ...merged, recurrence };
  return {
    merged,
    conflict: true,
    collisions,
    decision: collisions.length ? 'per_field' : 'none',
    resolution: resolutionOf(merged, input),
    localChanged,
    remoteChanged,
  };
}
