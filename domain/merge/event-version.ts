// The version of an event that two-way sync compares and merges: only the fields a person edits on either
// side (attendee responses and organizer are the provider's business). Built from a provider event or from
// a stored row, so the base (last synced row), the CRM's edit and the provider's copy are comparable. Pure.
import type { EventPatch, EventTime, ProviderEvent } from '../../domain/events';
import type { EventRecordFields } from '../event-record';

export interface EventVersion {
  status: 'confirmed' | 'tentative' | 'cancelled';
  title: string | null;
  description: string | null;
  location: string | null;
  start: EventTime;
  end: EventTime;
  /** RFC 5545 lines of a series master, null otherwise. */
  recurrence: string[] | null;
}

/** Merge units: start and end move together (a half-moved event is nobody's intent). */
export const VERSION_FIELDS = ['status', 'title', 'description', 'location', 'time', 'recurrence'] as const;
export type VersionField = (typeof VERSION_FIELDS)[number];

/** What a stored ce_calendar_events row holds of a version. */
export type VersionRow = Pick<
  EventRecordFields,
  'status' | 'title' | 'description' | 'location' | 'startAt' | 'endAt' | 'allDay' | 'startDate' | 'endDate' | 'timeZone' | 'recurrence'
>;

/** An empty text and no text are the same edit (providers answer either for a cleared field). */
const text = (value: string | null | undefined): string | null => (value ? value : null);

function asStatus(value: string): EventVersion['status'] {
  return value === 'cancelled' || value === 'tentative' ? value : 'confirmed';
}

export function versionFromProvider(
  event: Pick<ProviderEvent, 'status' | 'title' | 'description' | 'location' | 'start' | 'end' | 'recurrence'>,
): EventVersion {
  return {
    status: event.status,
    title: text(event.title),
    description: text(event.description),
    location: text(event.location),
    start: event.start,
    end: event.end,
    recurrence: event.recurrence?.length ? [...event.recurrence] : null,
  };
}

export function versionFromRow(row: VersionRow): EventVersion {
  const zone = row.timeZone ?? 'UTC';
  return {
    status: asStatus(row.status),
    title: text(row.title),
    description: text(row.description),
    location: text(row.location),
    start:
      row.allDay && row.startDate
        ? { kind: 'date', date: row.startDate }
        : { kind: 'dateTime', dateTime: row.startAt.toISOString(), timeZone: zone },
    end:
      row.allDay && row.endDate
        ? { kind: 'date', date: row.endDate }
        : { kind: 'dateTime', dateTime: row.endAt.toISOString(), timeZone: zone },
    recurrence: row.recurrence ? (JSON.parse(row.recurrence) as string[]) : null,
  };
}

/** Two times are the same when they denote the same instant (or day); the zone label alone is no edit. */
function sameTime(a: EventTime, b: EventTime): boolean {
  if (a.kind === 'date' || b.kind === 'date') return a.kind === b.kind && (a as { date: string }).date === (b as { date: string }).date;
  return Date.parse(a.dateTime) === Date.parse(b.dateTime);
}

/** Order-insensitive: providers may return recurrence lines in another order. */
function sameLines(a: string[] | null, b: string[] | null): boolean {
  const norm = (lines: string[] | null) => JSON.stringify([...(lines ?? [])].map((line) => line.trim().toUpperCase()).sort());
  return norm(a) === norm(b);
}

export function fieldEquals(field: VersionField, a: EventVersion, b: EventVersion): boolean {
  switch (field) {
    case 'time':
      return sameTime(a.start, b.start) && sameTime(a.end, b.end);
    case 'recurrence':
      return sameLines(a.recurrence, b.recurrence);
    default:
      return (a[field] ?? null) === (b[field] ?? null);
  }
}

export function changedFields(from: EventVersion, to: EventVersion): VersionField[] {
  return VERSION_FIELDS.filter((field) => !fieldEquals(field, from, to));
}

export function versionsEqual(a: EventVersion, b: EventVersion): boolean {
  return changedFields(a, b).length === 0;
}

export function takeField(target: EventVersion, source: EventVersion, field: VersionField): EventVersion {
  if (field === 'time') return { ...target, start: source.start, end: source.end };
  return { ...target, [field]: source[field] };
}

/** The fields of `version` named by `fields`, as history stores them (start/end spelled out). */
export function pickFields(version: EventVersion, fields: VersionField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (field === 'time') {
      out.start = version.start;
      out.end = version.end;
    } else out[field] = version[field];
  }
  return out;
}

/** The provider patch that turns `from` into `to` (only what differs; cancellation is a delete, not a patch). */
export function patchBetween(from: EventVersion, to: EventVersion): EventPatch {
  const patch: EventPatch = {};
  for (const field of changedFields(from, to)) {
    if (field === 'time') {
      patch.start = to.start;
      patch.end = to.end;
    } else if (field === 'title') patch.title = to.title ?? '';
    else if (field === 'description') patch.description = to.description ?? '';
    else if (field === 'location') patch.location = to.location ?? '';
    else if (field === 'recurrence') patch.recurrence = to.recurrence ?? [];
    else if (field === 'status') patch.status = to.status;
  }
  return patch;
}
