// Graph's `event` resource, the form in which the Graph fake stores every event: the JSON Graph returns, with
// `start`/`end` in the zone the event was written in (originalStartTimeZone). Responses convert the times to
// the zone the client asks for (Prefer: outlook.timezone) or UTC; nothing else is derived.
import type { DateTimeTimeZone } from './graph-time';

export type DayOfWeek = 'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday';
export type WeekIndex = 'first' | 'second' | 'third' | 'fourth' | 'last';
export type PatternType = 'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';

/** microsoft.graph.recurrencePattern, with Graph's defaults filled in (as Graph echoes them). */
export type Sensitivity = 'normal' | 'personal' | 'private' | 'confidential';

export interface RecurrencePattern {
  type: PatternType;
  interval: number;
  month: number;
  dayOfMonth: number;
  daysOfWeek: DayOfWeek[];
  firstDayOfWeek: DayOfWeek;
  index: WeekIndex;
}

/** microsoft.graph.recurrenceRange; dates are yyyy-mm-dd in `recurrenceTimeZone`, endDate inclusive. */
export interface RecurrenceRange {
  type: 'endDate' | 'noEnd' | 'numbered';
  startDate: string;
  endDate: string;
  recurrenceTimeZone: string;
  numberOfOccurrences: number;
}

export interface PatternedRecurrence {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
export type ResponseType = 'none' | 'organizer' | 'tentativelyAccepted' | 'accepted' | 'declined' | 'notResponded';
export type EventType = 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';

export interface EmailAddress {
  name: string;
  address: string;
}

export interface Attendee {
  type: 'required' | 'optional' | 'resource';
  status: { response: ResponseType; time: string };
  emailAddress: EmailAddress;
}

export interface Location {
  displayName: string;
  locationType: 'default';
  uniqueIdType: 'private' | 'unknown';
  address: Record<string, never>;
  coordinates: Record<string, never>;
}

export interface GraphEvent {
  '@odata.etag': string;
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  categories: string[];
  transactionId: string | null;
  originalStartTimeZone: string;
  originalEndTimeZone: string;
  iCalUId: string;
  reminderMinutesBeforeStart: number;
  isReminderOn: boolean;
  hasAttachments: boolean;
  subject: string;
  bodyPreview: string;
  importance: 'low' | 'normal' | 'high';
  sensitivity: Sensitivity;
  /** Occurrences and exceptions only: the start the occurrence has in the series (UTC, `...Z`). */
  originalStart?: string;
  isAllDay: boolean;
  isCancelled: boolean;
  isOrganizer: boolean;
  responseRequested: boolean;
  seriesMasterId: string | null;
  showAs: ShowAs;
  type: EventType;
  webLink: string;
  onlineMeetingUrl: null;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: 'unknown';
  allowNewTimeProposals: boolean;
  isDraft: boolean;
  hideAttendees: boolean;
  responseStatus: { response: ResponseType; time: string };
  body: { contentType: 'text' | 'html'; content: string };
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  location: Location;
  locations: Array<{ displayName: string; locationType: 'default'; uniqueIdType: 'private' }>;
  recurrence: PatternedRecurrence | null;
  attendees: Attendee[];
  organizer: { emailAddress: EmailAddress };
  onlineMeeting: null;
}

/** Graph's placeholder for "no response time". */
export const NO_RESPONSE_TIME = '0001-01-01T00:00:00Z';

export function locationOf(displayName: string): Pick<GraphEvent, 'location' | 'locations'> {
  return {
    location: { displayName, locationType: 'default', uniqueIdType: displayName ? 'private' : 'unknown', address: {}, coordinates: {} },
    locations: displayName ? [{ displayName, locationType: 'default', uniqueIdType: 'private' }] : [],
  };
}
