// An edit of a synced event from the CRM (title, time, location, description), validated by the API and
// again by the workflow's update validator, and applied to the event's current version. Pure: safe inside
// workflow code.
import { z } from 'zod';
import type { EventVersion } from './merge/event-version';
import { timeZoneSchema } from './meeting';

const isoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with offset' });
const isoDate = z.iso.date({ error: 'must be a date yyyy-mm-dd' });

export const eventEditSchema = z
  .strictObject({
    title: z.string().trim().min(1, { error: 'must not be empty' }).max(255),
    description: z.string().max(8000),
    location: z.string().max(1000),
    /** A timed event: start and (optional, default: same duration) end. */
    start: isoDateTime,
    end: isoDateTime,
    timeZone: timeZoneSchema,
    /** An all-day event: first day and (optional, default: same length) the day after the last. */
    startDate: isoDate,
    endDate: isoDate,
  })
  .partial()
  .refine((edit) => Object.keys(edit).length > 0, { error: 'name at least one field to change' })
  .refine((edit) => !((edit.start || edit.end) && (edit.startDate || edit.endDate)), {
    error: 'give either start/end (timed) or startDate/endDate (all-day), not both',
    path: ['start'],
  })
  .refine((edit) => !edit.start || !edit.end || Date.parse(edit.start) < Date.parse(edit.end), { error: 'must be after start', path: ['end'] })
  .refine((edit) => !edit.startDate || !edit.endDate || edit.startDate < edit.endDate, { error: 'must be after startDate', path: ['endDate'] });

export type EventEdit = z.infer<typeof eventEditSchema>;

const DAY = 86_400_000;
const dayMs = (date: string) => Date.parse(`${date}T00:00:00Z`);
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function instant(time: EventVersion['start']): number {
  return time.kind === 'date' ? dayMs(time.date) : Date.parse(time.dateTime);
}

/** The version after the edit; unspecified fields stay, a moved event keeps its duration. */
export function applyEdit(current: EventVersion, edit: EventEdit): EventVersion {
  const next: EventVersion = { ...current };
  if (edit.title !== undefined) next.title = edit.title;
  if (edit.description !== undefined) next.description = edit.description || null;
  if (edit.location !== undefined) next.location = edit.location || null;
  const duration = instant(current.end) - instant(current.start);
  if (edit.start || edit.end || edit.timeZone) {
    const zone = edit.timeZone ?? (current.start.kind === 'dateTime' ? current.start.timeZone : 'UTC');
    const startMs = edit.start ? Date.parse(edit.start) : instant(current.start);
    const endMs = edit.end ? Date.parse(edit.end) : startMs + (current.start.kind === 'date' ? Math.min(duration, 3_600_000) : duration);
    next.start = { kind: 'dateTime', dateTime: new Date(startMs).toISOString(), timeZone: zone };
    next.end = { kind: 'dateTime', dateTime: new Date(endMs).toISOString(), timeZone: zone };
  } else if (edit.startDate || edit.endDate) {
    const days = current.start.kind === 'date' ? Math.max(1, Math.round(duration / DAY)) : 1;
    const start = edit.startDate ?? (current.start.kind === 'date' ? current.start.date : dayOf(instant(current.start)));
    const end = edit.endDate ?? dayOf(dayMs(start) + days * DAY);
    next.start = { kind: 'date', date: start };
    next.end = { kind: 'date', date: end };
  }
  return next;
}
