// The fields of an event version as the conflict screen compares them, and the edit that turns the
// per-field choices into the API's `merged` body (start and end move together, as the merge does).
import type { EventVersion, VersionTime } from '../api/types';
import { formatDateTime } from '../ui/format';

export type Side = 'local' | 'remote';
export type CompareField = 'title' | 'time' | 'location' | 'description' | 'recurrence' | 'status';

export const COMPARE_FIELDS: Array<{ field: CompareField; label: string; mergeable: boolean }> = [
  { field: 'title', label: 'Title', mergeable: true },
  { field: 'time', label: 'Time', mergeable: true },
  { field: 'location', label: 'Location', mergeable: true },
  { field: 'description', label: 'Description', mergeable: true },
  { field: 'recurrence', label: 'Repeats', mergeable: true },
  { field: 'status', label: 'Status', mergeable: false },
];

function showTime(time: VersionTime): string {
  return time.kind === 'date' ? time.date : formatDateTime(time.dateTime);
}

export function showField(version: EventVersion | null, field: CompareField): string {
  if (!version) return '—';
  switch (field) {
    case 'time':
      return `${showTime(version.start)} – ${showTime(version.end)}`;
    case 'recurrence':
      return version.recurrence?.join('\n') ?? 'Does not repeat';
    case 'status':
      return version.status;
    default:
      return version[field] ?? '(empty)';
  }
}

export function sameField(a: EventVersion | null, b: EventVersion | null, field: CompareField): boolean {
  return showField(a, field) === showField(b, field);
}

/** The API's `merged` edit: every mergeable field whose chosen value differs from the version in force now. */
export function mergedEdit(
  sides: { local: EventVersion; remote: EventVersion },
  current: EventVersion,
  choices: Record<CompareField, Side>,
): Record<string, unknown> {
  const edit: Record<string, unknown> = {};
  for (const { field, mergeable } of COMPARE_FIELDS) {
    if (!mergeable) continue;
    const chosen = sides[choices[field]];
    if (sameField(chosen, current, field)) continue;
    if (field === 'time') {
      if (chosen.start.kind === 'date' && chosen.end.kind === 'date')
        Object.assign(edit, { startDate: chosen.start.date, endDate: chosen.end.date });
      else if (chosen.start.kind === 'dateTime' && chosen.end.kind === 'dateTime') {
        Object.assign(edit, {
          start: new Date(chosen.start.dateTime).toISOString(),
          end: new Date(chosen.end.dateTime).toISOString(),
          timeZone: chosen.start.timeZone,
        });
      }
    } else if (field === 'recurrence') {
      if (chosen.recurrence) edit.recurrence = chosen.recurrence;
    } else if (field === 'title') {
      if (chosen.title) edit.title = chosen.title;
    } else if (field === 'location' || field === 'description') {
      edit[field] = chosen[field] ?? '';
    }
  }
  return edit;
}
