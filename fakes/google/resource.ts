// The Google Calendar event resource as the fake stores and serves it, plus the id and etag formats.

import { randomBytes } from 'node:crypto';

export interface GoogleTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

export interface GoogleAttendee {
  email: string;
  displayName?: string;
  optional?: boolean;
  responseStatus: 'needsAction' | 'declined' | 'tentative' | 'accepted';
  organizer?: boolean;
  self?: boolean;
}

/** The stored event: every field Google returns for a live event, minus `kind` and `etag`. */
export interface GoogleEventResource {
  id: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  htmlLink: string;
  created: string;
  updated: string;
  summary?: string;
  description?: string;
  location?: string;
  creator: { email: string; self?: boolean };
  organizer: { email: string; displayName?: string; self?: boolean };
  start: GoogleTime;
  end: GoogleTime;
  endTimeUnspecified?: boolean;
  recurrence?: string[];
  recurringEventId?: string;
  originalStartTime?: GoogleTime;
  transparency?: 'opaque' | 'transparent';
  /** Who sees the event's details besides the calendar's owner (Google: default | public | private | confidential). */
  visibility?: 'default' | 'public' | 'private' | 'confidential';
  iCalUID: string;
  sequence: number;
  attendees?: GoogleAttendee[];
  reminders: { useDefault: boolean };
  /** Birthdays are private (visibility above); other types keep the default. */
  eventType: GoogleEventType;
}

export type GoogleEventType = 'default' | 'outOfOffice' | 'focusTime' | 'fromGmail' | 'birthday' | 'workingLocation';

export interface StoredEvent {
  resource: GoogleEventResource;
  calendarId: string;
  /** Global change sequence of the last change (orders the change log, backs sync tokens and etags). */
  seq: number;
  etag: string;
}

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** A fresh id in Google's format (base32hex, lower case). */
export function newEventId(): string {
  const bytes = randomBytes(26);
  let id = '';
  for (const byte of bytes) id += BASE32HEX[byte % 32];
  return id;
}

export function isValidEventId(id: string): boolean {
  return /^[0-9a-v]{5,1024}$/.test(id);
}

export function etagFor(seq: number): string {
  return `"3${String(seq).padStart(15, '0')}"`;
}

/**
 * What the API returns for an event. In listings cancelled events carry only their identity (the most
 * Google guarantees); events.get still returns the whole cancelled event.
 */
export function toWire(event: StoredEvent, form: 'list' | 'get' = 'list'): Record<string, unknown> {
  const { resource } = event;
  if (resource.status === 'cancelled' && form === 'list') {
    const minimal: Record<string, unknown> = { kind: 'calendar#event', etag: event.etag, id: resource.id, status: 'cancelled' };
    if (resource.recurringEventId) {
      minimal.recurringEventId = resource.recurringEventId;
      minimal.originalStartTime = resource.originalStartTime;
    }
    return minimal;
  }
  return { kind: 'calendar#event', etag: event.etag, ...resource };
}
