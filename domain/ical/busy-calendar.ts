// A busy-only VCALENDAR: one VEVENT per busy block, SUMMARY "Busy", TRANSP:OPAQUE, times in UTC (or DATE
// values for all-day blocks), so the document names no zone; no description, location, people, rule or
// provider id. Pure.
import ical, { ICalEventTransparency } from 'ical-generator';
import type { BusyBlock } from './busy-blocks';

const PRODID = { company: 'calendar-sync', product: 'calendar-sync-orchestrator', language: 'EN' };

export function renderBusyCalendar(blocks: BusyBlock[], stamp: Date): string {
  const calendar = ical({ name: 'Busy', prodId: PRODID });
  for (const block of blocks) {
    const event = calendar.createEvent({ id: block.uid, start: block.start, end: block.end, stamp, summary: 'Busy' });
    if (block.dates) {
      event.allDay(true);
      event.start(new Date(`${block.dates.start}T00:00:00.000Z`));
      event.end(new Date(`${block.dates.end}T00:00:00.000Z`));
    }
    event.transparency(ICalEventTransparency.OPAQUE);
  }
  return calendar.toString();
}
