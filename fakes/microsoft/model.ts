// What the Graph fake holds for each mailbox: calendars of events kept in Graph's own JSON form.
import type { GraphEvent } from './event-resource';

export interface StoredEvent {
  /** The event exactly as Graph holds it (start/end in the event's own zone): the only source of truth. */
  json: GraphEvent;
  calendarId: string;
  /** The instants of json.start / json.end (epoch ms), recomputed from the JSON on every write and load. */
  startMs: number;
  endMs: number;
}

export interface StoredCalendar {
  id: string;
  name: string;
  isDefault: boolean;
  canEdit: boolean;
  /** Single instances and series masters, by id. */
  events: Map<string, StoredEvent>;
  /** Edited occurrences of a series (type `exception`), by occurrence id. */
  exceptions: Map<string, StoredEvent>;
  /** Ids of occurrences deleted from their series: Graph shows them nowhere, expansion must skip them. */
  deletedOccurrences: Set<string>;
  byTransactionId: Map<string, string>;
  /**
   * A calendar shared with (or delegated to) the mailbox that the grant does not reach (no Calendars.*.Shared):
   * listed, but its events answer 403 ErrorAccessDenied.
   */
  accessDenied?: boolean;
  /** Store sequence number of each event id's last change (create, update, delete), for delta rounds. */
  changedAt: Map<string, number>;
}

export interface Account {
  id: string;
  email: string;
  displayName: string;
  calendars: Map<string, StoredCalendar>;
  defaultCalendarId: string;
  /** Bumped by expireSyncCursors: delta tokens of older generations answer 410. */
  syncGeneration: number;
  /** The mailbox's zone (IANA): what seeded all-day events are written in. UTC when absent. */
  timeZone?: string;
  /** A personal Microsoft account (outlook.com): getSchedule is not supported for it. */
  personal?: boolean;
  /** Change notifications for this mailbox are dropped (what Graph's `missed` lifecycle event reports). */
  dropNotifications?: boolean;
}
