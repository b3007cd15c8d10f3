// The synced rows free/busy reads (services/synced-freebusy.ts), as one plain statement. Free/busy asks for
// about a thousand rows per 50-person request; through Prisma's model API the query was planned and its rows
// mapped to models for every request, most of the request's time after SQLite's own (bench:freebusy: p50 44 ms
// -> 36 ms with this statement). The rows are the ones `rowsTouchingWindow` (services/ical-feeds.ts) selects
// for the busy feeds; test/db/busy-rows.test.ts holds the two to the same answer.
import type { Db } from '../db/client';
import type { BusySourceRow } from '../domain/ical/busy-blocks';

export interface BusyRow extends BusySourceRow {
  organizationId: string;
}

/**
 * The rows of these connections' calendars that can be busy in the window: events overlapping it, series by
 * their start, occurrences by their original start too; cancelled ones only where they belong to a series.
 * The two IN lists select a superset of the wanted (connection, calendar) pairs through the
 * (connection, calendar, event) index: the caller keeps its own pairs and organization.
 */
export async function busyRowsTouching(
  db: Db,
  calendars: { connectionIds: string[]; externalCalendarIds: string[] },
  window: { from: Date; to: Date },
): Promise<BusyRow[]> {
  const { connectionIds, externalCalendarIds } = calendars;
  if (connectionIds.length === 0 || externalCalendarIds.length === 0) return [];
  let bound = 0;
  const parameter = () => (db.provider === 'postgresql' ? `$${++bound}` : '?');
  const list = (values: unknown[]) => values.map(parameter).join(', ');
  const sql = `SELECT organization_id AS "organizationId", connection_id AS "connectionId",
      external_calendar_id AS "externalCalendarId", external_event_id AS "externalEventId", status,
      show_as AS "showAs", start_at AS "startAt", end_at AS "endAt", all_day AS "allDay", start_date AS "startDate",
      end_date AS "endDate", time_zone AS "timeZone", event_kind AS "eventKind", recurrence,
      series_master_external_id AS "seriesMasterExternalId", original_start_at AS "originalStartAt"
    FROM ce_calendar_events
    WHERE connection_id IN (${list(connectionIds)}) AND external_calendar_id IN (${list(externalCalendarIds)})
      AND (status <> 'cancelled' OR series_master_external_id IS NOT NULL)
      AND ((event_kind = 'seriesMaster' AND start_at < ${parameter()})
        OR (event_kind <> 'seriesMaster' AND start_at < ${parameter()} AND end_at > ${parameter()})
        OR (original_start_at >= ${parameter()} AND original_start_at < ${parameter()}))`;
  const { from, to } = window;
  return db.$queryRawUnsafe<BusyRow[]>(sql, ...connectionIds, ...externalCalendarIds, to, to, from, from, to);
}
