// A stored event as a response shows it: Graph answers start/end in UTC, or in the zone a client names with
// `Prefer: outlook.timezone="..."`; every other field is the stored JSON as it is.
import type { GraphEvent } from './event-resource';
import { graphDateTimeOf, requireZone, type DateTimeTimeZone } from './graph-time';
import type { StoredEvent } from './model';

export interface ResponseZone {
  /** The name as the client wrote it (echoed in `timeZone`). */
  name: string;
  iana: string;
}

/**
 * The zone named by `Prefer: outlook.timezone="..."`, UTC without one. An unknown name is refused with 400
 * TimeZoneNotSupportedException, as Graph answers a mailbox whose zone it cannot read (msgraph-sample-rubyrailsapp#195).
 */
export function responseZone(preferHeader: string | undefined): ResponseZone {
  const m = /outlook\.timezone\s*=\s*"([^"]*)"/i.exec(preferHeader ?? '');
  if (!m) return { name: 'UTC', iana: 'UTC' };
  return { name: m[1]!, iana: requireZone(m[1]!) };
}

function shown(time: DateTimeTimeZone, ms: number, isAllDay: boolean, zone: ResponseZone): DateTimeTimeZone {
  // All-day events are floating days: their midnight is shown as-is in whatever zone is asked for.
  return { dateTime: isAllDay ? time.dateTime : graphDateTimeOf(ms, zone.iana), timeZone: zone.name };
}

export function eventView(event: StoredEvent, zone: ResponseZone): GraphEvent {
  const { json } = event;
  return {
    ...json,
    start: shown(json.start, event.startMs, json.isAllDay, zone),
    end: shown(json.end, event.endMs, json.isAllDay, zone),
  };
}
