// The calendar event as this service models it, whichever provider it came from: its times, people, kind
// (single, series master, occurrence, exception) and the changes a sync reads. Providers map their own
// resources to these types (providers/*/normalize.ts); everything above them speaks only these.

/** A timed instant (UTC ISO-8601 plus the IANA zone it was written in) or an all-day date. */
export type EventTime = { kind: 'dateTime'; dateTime: string; timeZone: string } | { kind: 'date'; date: string /* yyyy-mm-dd */ };

export type AttendeeResponse = 'needsAction' | 'accepted' | 'declined' | 'tentative';

export interface Attendee {
  email: string;
  name?: string;
  response: AttendeeResponse;
  optional?: boolean;
}

export type EventKind = 'single' | 'seriesMaster' | 'occurrence' | 'exception';

/** How an event counts in free/busy (Google transparency, Graph showAs). */
export type ShowAs = 'busy' | 'free' | 'tentative' | 'oof' | 'workingElsewhere';

export interface ProviderEvent {
  externalId: string;
  calendarId: string;
  iCalUid?: string;
  /** Google etag / Graph changeKey: the version an update must be based on. */
  version: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  title?: string;
  description?: string;
  location?: string;
  start: EventTime;
  /** Exclusive end (all-day: the day after the last day). */
  end: EventTime;
  kind: EventKind;
  /** RFC 5545 lines (`RRULE:...`, `EXDATE:...`, `RDATE:...`) of a series master; no DTSTART. */
  recurrence?: string[];
  seriesMasterId?: string;
  /** For occurrences and exceptions: the start the occurrence had in the series. */
  originalStart?: EventTime;
  organizer?: { email: string; name?: string };
  attendees: Attendee[];
  /** Provider's last-modified time (ISO-8601). */
  updatedAt: string;
  /** Google visibility private/confidential, Graph sensitivity private/confidential: its details are the owner's only. */
  isPrivate?: boolean;
  /** Default busy. */
  showAs?: ShowAs;
  /** Google's eventType when not `default` (out of office, focus time, ...): see domain/event-types.ts. */
  eventType?: string;
}

export interface EventInput {
  title: string;
  description?: string;
  location?: string;
  start: EventTime;
  end: EventTime;
  recurrence?: string[];
  attendees?: Array<{ email: string; name?: string; optional?: boolean }>;
}

export type EventPatch = Partial<EventInput> & { status?: 'confirmed' | 'tentative' | 'cancelled' };

export type EventChange =
  | { type: 'upsert'; event: ProviderEvent }
  | {
      type: 'delete';
      externalId: string;
      seriesMasterId?: string;
      originalStart?: EventTime;
      /**
       * `left_window`: Graph said @removed but the event still exists (it moved out of the sync window);
       * `excluded`: the event exists but its type is not synced (domain/event-types.ts).
       */
      reason: 'deleted' | 'left_window' | 'excluded';
    };
