// The end of a calendar's pass: its staged deletions are applied, unless the mass-delete breaker holds them
// for an operator (domain/mass-delete.ts). A held calendar keeps syncing everything else; its hold is
// released by an operator (confirm or dismiss) or by itself once the deletions no longer look like a mass
// deletion (events came back).
import { applyStagedDeletions, holdDeletions, liveEventCount, pendingDeletionCount, releaseHold } from '../../../data/held-deletions';
import type { CalendarRow } from '../../../data/calendars';
import type { ChangeMeta } from '../../../data/event-versions';
import { massDeleteVerdict, type MassDeleteLimits } from '../../../domain/mass-delete';
import type { ServiceDependencies } from '../../dependencies';

export function massDeleteLimits(config: ServiceDependencies['config']): MassDeleteLimits {
  return { maxShare: config.MASS_DELETE_MAX_PERCENT / 100, minEvents: config.MASS_DELETE_MIN_EVENTS };
}

export async function settleDeletions(
  deps: Pick<ServiceDependencies, 'db' | 'config' | 'logger'>,
  input: { connectionId: string; calendar: CalendarRow; fullListingEmpty: boolean; meta: ChangeMeta },
): Promise<{ applied: number; held: number }> {
  const key = { connectionId: input.connectionId, externalCalendarId: input.calendar.externalCalendarId };
  const pending = await pendingDeletionCount(deps.db, key);
  // Nothing staged (most syncs): nothing to weigh, so the calendar's rows are not counted.
  const counts = { pending, stored: pending ? await liveEventCount(deps.db, key) : 0 };
  const verdict = massDeleteVerdict({ ...counts, fullListingEmpty: input.fullListingEmpty }, massDeleteLimits(deps.config));
  if (verdict.hold) {
    await holdDeletions(deps.db, input.calendar.id, verdict);
    deps.logger.warn(
      { connectionId: input.connectionId, pending: verdict.pending, stored: verdict.stored, reason: verdict.reason },
      'mass-delete breaker: deletions held for an operator',
    );
    return { applied: 0, held: verdict.pending };
  }
  const applied = counts.pending ? await applyStagedDeletions(deps.db, key, input.meta) : 0;
  if (input.calendar.deletionHoldAt) await releaseHold(deps.db, input.calendar.id);
  return { applied, held: 0 };
}
