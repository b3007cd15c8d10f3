// Maps a provider's normalized event to the columns of ce_calendar_events, and hashes the fields that
// matter so an unchanged event (same content, new etag or not) writes nothing. Pure.
import { createHash } from 'node:crypto';
import type { EventTime, ProviderEvent } from '../domain/events';

export interface EventRecordFields {
  status: string;
  title: string | null;
  description: string | null;
  location: string | null;
  startAt: Date;
  endAt: Date;
  allDay: boolean;
  startDate: string | null;
  endDate: string | null;
  timeZone: string | null;
  eventKind: string;
  recurrence: string | null;
  seriesMasterExternalId: string | null;
  originalStartAt: Date | null;
  organizerEmail: string | null;
  organizerName: string | null;
  attendees: string | null;
  iCalUid: string | null;
  isPrivate: boolean;
  showAs: string;
  /** Google's eventType when not `default` (domain/event-types.ts); null for ordinary events. */
  eventType: string | null;
}

/** The instant an EventTime starts; an all-day date is taken at 00:00 UTC (its date is kept separately). */
export function instantOf(time: EventTime): Date {
  return time.kind === 'date' ? new Date(`${time.date}T00:00:00.000Z`) : new Date(time.dateTime);
}

export function eventRecordFromProvider(event: ProviderEvent): EventRecordFields {
  const allDay = event.start.kind === 'date';
  const attendees = [...event.attendees]
    .sort((a, b) => a.email.localeCompare(b.email))
    .map(({ email, name, response, optional }) => ({ email, name: name ?? null, response, optional: optional ?? false }));
  return {
    status: event.status,
    title: event.title ?? null,
    description: event.description ?? null,
    location: event.location ?? null,
    startAt: instantOf(event.start),
    endAt: instantOf(event.end),
    allDay,
    startDate: event.start.kind === 'date' ? event.start.date : null,
    endDate: event.end.kind === 'date' ? event.end.date : null,
    timeZone: event.start.kind === 'dateTime' ? event.start.timeZone : null,
    eventKind: event.kind,
    recurrence: event.recurrence?.length ? JSON.stringify(event.recurrence) : null,
    seriesMasterExternalId: event.seriesMasterId ?? null,
    originalStartAt: event.originalStart ? instantOf(event.originalStart) : null,
    organizerEmail: event.organizer?.email ?? null,
    organizerName: event.organizer?.name ?? null,
    attendees: attendees.length ? JSON.stringify(attendees) : null,
    iCalUid: event.iCalUid ?? null,
    isPrivate: event.isPrivate ?? false,
    showAs: event.showAs ?? 'busy',
    eventType: event.eventType && event.eventType !== 'default' ? event.eventType : null,
  };
}

/** SHA-256 over the fields that matter, in a fixed order: equal hashes mean nothing to write. */
export function contentHash(fields: EventRecordFields): string {
  const canonical = JSON.stringify([
    fields.status,
    fields.title,
    fields.description,
    fields.location,
    fields.startAt.toISOString(),
    fields.endAt.toISOString(),
    fields.allDay,
    fields.startDate,
    fields.endDate,
    fields.timeZone,
    fields.eventKind,
    fields.recurrence,
    fields.seriesMasterExternalId,
    fields.originalStartAt?.toISOString() ?? null,
    fields.organizerEmail,
    fields.organizerName,
    fields.attendees,
    // Only when not the default, so rows stored before these fields existed keep their hashes.
    ...(fields.isPrivate ? [{ private: true }] : []),
    ...(fields.showAs !== 'busy' ? [{ showAs: fields.showAs }] : []),
    // Only when set, so rows of ordinary events keep the hashes they were stored with.
    ...(fields.eventType ? [fields.eventType] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
