// What a change listing cannot say by itself, checked with the provider at the end of a pass: our own
// recent meetings it never listed, and series left without live occurrences. What these find deleted is
// staged like every other deletion of the pass (data/held-deletions.ts).
import type { EventRowModel } from '../../../data/events';
import { masterWithoutLiveOccurrences, recentOutboundEvents, stageDeletedAtProvider } from '../../../data/sync-pages';
import { isProviderError } from '../../../providers/errors';
import type { ServiceDependencies } from '../../dependencies';

type Deps = Pick<ServiceDependencies, 'db' | 'providers' | 'tokens'>;
type Connection = { id: string; provider: string };

/** Asks the provider whether the event is gone (deleted, or cancelled); stages the deletion if so. */
async function cancelIfGoneAtProvider(deps: Deps, connection: Connection, calendarId: string, row: EventRowModel): Promise<boolean> {
  const adapter = deps.providers.get(connection.provider).adapter;
  let gone: boolean;
  try {
    const current = await deps.tokens.withAccessToken(connection.id, (auth) =>
      adapter.getEvent(auth, { calendarId, eventId: row.externalEventId }),
    );
    gone = current.status === 'cancelled';
  } catch (error) {
    if (!isProviderError(error, 'not_found')) throw error;
    gone = true;
  }
  return gone && (await stageDeletedAtProvider(deps.db, row));
}

/**
 * A change listing reports differences from the state the last cursor saw: an event we created after
 * that and that was deleted before this pass (Graph) is never listed at all. Our own recent meetings
 * that this pass did not list are therefore looked up, and recorded as deleted when they are gone.
 */
export async function verifyUnlistedOutbound(
  deps: Deps,
  connection: Connection,
  calendarId: string,
  seen: Set<string>,
  previousPassAt: Date | null,
): Promise<number> {
  if (!previousPassAt) return 0;
  const recent = await recentOutboundEvents(deps.db, connection.id, calendarId, new Date(previousPassAt.getTime() - 5 * 60_000));
  let deleted = 0;
  for (const row of recent.filter((candidate) => !seen.has(candidate.externalEventId))) {
    if (await cancelIfGoneAtProvider(deps, connection, calendarId, row)) deleted += 1;
  }
  return deleted;
}

/**
 * Graph's calendarView never lists a series master, so a deleted series shows up only as its occurrences
 * removed: when a page removed the last live occurrence of a series we hold, ask whether the master is
 * still there and record its deletion if not. (Google reports the master's own deletion; the check then
 * just finds it.)
 */
export async function reconcileSeriesMasters(
  deps: Deps,
  connection: Connection,
  calendarId: string,
  masters: Set<string>,
): Promise<number> {
  let deleted = 0;
  for (const masterId of masters) {
    const master = await masterWithoutLiveOccurrences(deps.db, connection.id, calendarId, masterId);
    if (master && (await cancelIfGoneAtProvider(deps, connection, calendarId, master))) deleted += 1;
  }
  return deleted;
}
