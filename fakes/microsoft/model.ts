// The fake's in-memory data model: what Exchange would hold for each mailbox.
import type { PatternedRecurrence } from '../../providers/microsoft/recurrence';

export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
export type GraphResponse = 'none' | 'organizer' | 'tentativelyAccepted' | 'accepted' | 'declined' | 'notResponded';

export interface StoredTime {
  /** Wall clock as written by the client, in `zone` (all-day: midnight). */
  wall: string;
  /** Zone name as written (Windows or IANA); Outlook-created events carry Windows names. */
  zone: string;
  iana: string;
  ms: number;
}

export interface StoredAttendee {
  address: string;
  name?: string;
  type: 'required' | 'optional' | 'resource';
  response: GraphResponse;
}

export interface StoredEvent {
  id: string;
  calendarId: string;
  iCalUId: string;
  changeKey: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  subject: string;
  body: string;
  location: string;
  start: StoredTime;
  end: StoredTime;
  isAllDay: boolean;
  showAs: ShowAs;
  type: 'singleInstance' | 'seriesMaster' | 'occurrence' | 'exception';
  recurrence: PatternedRecurrence | null;
  seriesMasterId: string | null;
  /** Occurrences and exceptions: the start the occurrence had in the series (epoch ms). */
  originalStartMs: number | null;
  /** An occurrence deleted from its series: kept as a hidden tombstone so it is not expanded again. */
  isCancelled: boolean;
  organizer: { address: string; name?: string };
  attendees: StoredAttendee[];
  transactionId: string | null;
}

export interface StoredCalendar {
  id: string;
  name: string;
  isDefault: boolean;
  canEdit: boolean;
  /** Single instances and series masters. */
  events: Map<string, StoredEvent>;
  /** Exceptions and cancelled occurrences, by occurrence id. */
  exceptions: Map<string, StoredEvent>;
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
