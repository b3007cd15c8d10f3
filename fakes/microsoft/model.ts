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
}

export interface Account {
  id: string;
  email: string;
  displayName: string;
  calendars: Map<string, StoredCalendar>;
  defaultCalendarId: string;
  /** Bumped by expireSyncCursors: delta tokens of older generations answer 410. */
  syncGeneration: number;
}
