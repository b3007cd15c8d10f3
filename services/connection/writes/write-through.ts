// Write-through of a CRM-side change to the provider, conditional on the version last synced (If-Match on
// the stored etag / changeKey). A 412 means the provider's copy moved since: its version is applied first
// (recorded as an inbound change), then three-way merged with ours against the base (the row before), the
// conflict is recorded with what the policy chose, and the merged version is written with the new
// version tag. A manual resolution skips the merge: the chosen version overrides whatever is there.
// Runs inside the connection workflow's lock, so no sync interleaves with it.
import {
  changedFields,
  versionFromProvider,
  versionFromRow,
  versionsEqual,
  patchBetween,
  type EventVersion,
} from '../../../domain/merge/event-version';
import { recordConflict } from '../../../data/conflicts';
import type { EventRowModel } from '../../../data/events';
import { applyProviderVersion, INBOUND, markCancelled, rowDataFromProvider, type ChangeMeta } from '../../../data/event-versions';
import type { EventPatch, ProviderEvent } from '../../../domain/events';
import { Failure } from '../../../domain/failures';
import { mergeThreeWay, type MergeResolution } from '../../../domain/merge/three-way';
import { isProviderError } from '../../../providers/errors';
import type { CallAuth } from '../../../providers/types';
import type { ServiceDependencies } from '../../dependencies';

/** Rounds of 412 -> merge -> write before giving the activity retry a fresh start. */
const MAX_ROUNDS = 4;

export interface WriteThroughInput {
  connection: { id: string; provider: string };
  row: EventRowModel;
  /** The version the CRM wants, from the row as it is now (the base). */
  target: (base: EventVersion) => EventVersion;
  /** Sent with every write but not merged (attendee lists of CRM meetings). */
  extraPatch?: EventPatch;
  /** When the CRM-side change was made (ms): the local side of last-write-wins. */
  localModifiedAt: number;
  meta: ChangeMeta;
  /** A person chose this version: it overrides the provider's without merging. */
  manual?: boolean;
}

export interface WriteThroughResult {
  row: EventRowModel;
  conflictId?: string;
  resolution?: MergeResolution;
}

export async function writeThrough(
  { db, providers, tokens }: Pick<ServiceDependencies, 'db' | 'providers' | 'tokens'>,
  input: WriteThroughInput,
): Promise<WriteThroughResult> {
  const adapter = providers.get(input.connection.provider).adapter;
  const call = <T>(fn: (auth: CallAuth) => Promise<T>) => tokens.withAccessToken(input.connection.id, fn);
  let row = input.row;
  let target = input.target(versionFromRow(row));
  const extra = input.extraPatch && Object.keys(input.extraPatch).length ? input.extraPatch : undefined;
  let conflictId: string | undefined;
  let resolution: MergeResolution | undefined;
  const done = () => ({ row, ...(conflictId ? { conflictId, resolution } : {}) });
  const ids = { calendarId: row.externalCalendarId, eventId: row.externalEventId };

  async function fetchRemote(): Promise<ProviderEvent | null> {
    try {
      return await call((auth) => adapter.getEvent(auth, ids));
    } catch (error) {
      if (isProviderError(error, 'not_found')) return null;
      throw error;
    }
  }

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const current = versionFromRow(row);
    if (changedFields(current, target).length === 0 && (!extra || round > 0)) return done();
    try {
      if (target.status === 'cancelled') {
        if (current.status !== 'cancelled') {
          await call((auth) => adapter.deleteEvent(auth, { ...ids, ...(row.etag ? { ifMatch: row.etag } : {}) }));
        }
        const before = row;
        await db.$transaction((tx) => markCancelled(tx, before, input.meta));
        row = { ...row, status: 'cancelled' };
        return done();
      }
      if (current.status === 'cancelled') {
        throw new Failure('not_found', 'The event was deleted in the calendar');
      }
      const patch = { ...patchBetween(current, target), ...(extra ?? {}) };
      const updated = await call((auth) => adapter.updateEvent(auth, { ...ids, patch, ...(row.etag ? { ifMatch: row.etag } : {}) }));
      const before = row;
      row = await db.$transaction((tx) => applyProviderVersion(tx, before, updated, input.meta));
      return done();
    } catch (error) {
      if (!isProviderError(error, 'version_conflict') && !isProviderError(error, 'not_found')) throw error;
    }
    // The provider's copy moved (or is gone) since the version we hold.
    const remote = await fetchRemote();
    const base = current;
    if (!remote || remote.status === 'cancelled') {
      // Deleted in the calendar: the deletion wins whole (Graph cannot bring an event back); a CRM edit
      // that loses is kept in the conflict record.
      const gone: EventVersion = { ...base, status: 'cancelled' };
      if (changedFields(base, target).length > 0 && target.status !== 'cancelled' && !input.manual) {
        conflictId = await recordConflict(db, {
          eventId: row.id,
          base,
          local: target,
          remote: gone,
          choice: 'remote',
          resolved: gone,
          localModifiedAt: input.localModifiedAt,
        });
        resolution = 'remote';
      }
      const before = row;
      await db.$transaction((tx) => markCancelled(tx, before, INBOUND));
      row = { ...row, status: 'cancelled' };
      if (input.manual && target.status !== 'cancelled') {
        throw new Failure('not_found', 'The event was deleted in the calendar');
      }
      return done();
    }
    const remoteVersion = versionFromProvider(remote);
    const before = row;
    if (rowDataFromProvider(remote).contentHash === row.contentHash) {
      // Only the version tag moved: write again on top of it.
      row = await db.$transaction((tx) => applyProviderVersion(tx, before, remote, INBOUND));
      continue;
    }
    if (versionsEqual(remoteVersion, target)) {
      // Our own earlier write (a retried activity after a crash): it is the outbound change, not a conflict.
      row = await db.$transaction((tx) => applyProviderVersion(tx, before, remote, input.meta));
      if (!extra) return done();
      continue;
    }
    row = await db.$transaction((tx) => applyProviderVersion(tx, before, remote, INBOUND));
    if (input.manual) continue;
    const merge = mergeThreeWay({
      base,
      local: target,
      remote: remoteVersion,
      localModifiedAt: input.localModifiedAt,
      remoteModifiedAt: Date.parse(remote.updatedAt),
    });
    if (merge.conflict) {
      conflictId = await recordConflict(db, {
        eventId: row.id,
        base,
        local: target,
        remote: remoteVersion,
        choice: merge.resolution,
        resolved: merge.merged,
        localModifiedAt: input.localModifiedAt,
      });
      resolution = merge.resolution;
    }
    target = merge.merged;
  }
  // Still moving under us: let the activity retry start over from the stored row.
  throw new Failure('edit_contended', 'The event kept changing at the provider; retrying');
}
