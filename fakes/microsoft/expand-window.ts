// Occurrences of one series that can overlap a window (materialized, before exceptions are applied).
import { epochToDate } from '../../providers/microsoft/time-zones';
import { materializeOccurrence, occurrenceDates } from './expand';
import type { StoredEvent } from './model';

const DAY_MS = 86_400_000;

export function expandOccurrences(master: StoredEvent, startMs: number, endMs: number): StoredEvent[] {
  const duration = master.end.ms - master.start.ms;
  // Occurrences starting up to one duration (plus a day for zone slack) before the window can still overlap it.
  const firstDate = epochToDate(startMs - duration - DAY_MS, master.start.iana);
  return occurrenceDates(master, endMs)
    .filter((d) => d >= firstDate)
    .map((d) => materializeOccurrence(master, d));
}
