// An operator's answer to the mass-delete breaker for one calendar: confirm (the held deletions are applied,
// recorded in each event's history as the operator's) or dismiss (the rows stay; a later full read decides
// again). Runs in the connection workflow, under its write lock.
import { applyStagedDeletions, discardStagedDeletions, heldDeletionsOf, releaseHold, type HeldDeletions } from '../../data/held-deletions';
import { loadActiveConnection } from '../../data/connections';
import { Failure, notFound } from '../../domain/failures';
import type { ServiceDependencies } from '../dependencies';

export interface HeldDeletionsResolution {
  calendarId: string;
  decision: 'confirm' | 'dismiss';
  /** Events marked deleted (confirm) or kept (dismiss). */
  events: number;
  /** What the breaker still holds for the connection's other calendars. */
  heldDeletions: HeldDeletions[];
}

export async function resolveHeldDeletions(
  { db, logger }: Pick<ServiceDependencies, 'db' | 'logger'>,
  input: { connectionId: string; calendarId: string; decision: 'confirm' | 'dismiss'; actor: string },
): Promise<HeldDeletionsResolution> {
  const connection = await loadActiveConnection(db, input.connectionId);
  const calendar = await db.connectionCalendar.findUnique({
    where: { connectionId_externalCalendarId: { connectionId: connection.id, externalCalendarId: input.calendarId } },
  });
  if (!calendar) throw notFound('Calendar');
  if (!calendar.deletionHoldAt) throw new Failure('no_held_deletions', 'No deletions are held for this calendar');
  const key = { connectionId: connection.id, externalCalendarId: calendar.externalCalendarId };
  const events =
    input.decision === 'confirm'
      ? await applyStagedDeletions(db, key, { direction: 'inbound', source: 'operator', actor: input.actor })
      : await discardStagedDeletions(db, key);
  await releaseHold(db, calendar.id);
  logger.info({ connectionId: connection.id, decision: input.decision, events }, 'held deletions resolved by an operator');
  return {
    calendarId: calendar.externalCalendarId,
    decision: input.decision,
    events,
    heldDeletions: await heldDeletionsOf(db, connection.id),
  };
}
