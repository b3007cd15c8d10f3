// POST /calendar/v3/freeBusy: busy intervals of any account's primary calendar (the sandbox behaves like
// one domain whose users share free/busy), recurring series expanded with their exceptions applied.

import type { ServerResponse } from 'node:http';

import { sendJson } from '../http/body';
import { badRequest, required } from './errors';
import { expandSeries } from './recurrence';
import type { GoogleEventResource } from './resource';
import { timeMs } from './seed';
import type { Calendar, GoogleStore } from './store';
import { compactInstanceTime, dateStartInZone, formatInZone } from './time';

const MAX_CALENDARS = 50;

function toUtcString(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function intervalOf(calendar: Calendar, r: GoogleEventResource): [number, number] {
  const zone = r.start.timeZone ?? calendar.timeZone;
  const start = r.start.date ? dateStartInZone(r.start.date, zone) : timeMs(r.start);
  const end = r.end.date ? dateStartInZone(r.end.date, zone) : timeMs(r.end);
  return [start, end];
}

export function busyIntervals(calendar: Calendar, fromMs: number, toMs: number): Array<[number, number]> {
  const intervals: Array<[number, number]> = [];
  const exceptionsById = new Map<string, GoogleEventResource>();
  for (const { resource } of calendar.events.values()) if (resource.recurringEventId) exceptionsById.set(resource.id, resource);

  const consider = (r: GoogleEventResource): void => {
    if (r.status === 'cancelled' || r.transparency === 'transparent') return;
    const [start, end] = intervalOf(calendar, r);
    if (end > fromMs && start < toMs) intervals.push([Math.max(start, fromMs), Math.min(end, toMs)]);
  };

  for (const { resource: r } of calendar.events.values()) {
    if (r.recurringEventId) {
      consider(r); // exceptions count on their own (moved ones at their new time)
      continue;
    }
    if (!r.recurrence || r.recurrence.length === 0) {
      consider(r);
      continue;
    }
    if (r.status === 'cancelled') continue;
    const [seriesStart, seriesEnd] = intervalOf(calendar, r);
    const duration = seriesEnd - seriesStart;
    const zone = r.start.timeZone ?? calendar.timeZone;
    for (const ms of expandSeries({ startMs: seriesStart, allDayDate: r.start.date, timeZone: zone }, r.recurrence, toMs)) {
      if (ms + duration <= fromMs) continue;
      const originalStart = r.start.date
        ? { date: r.start.date && formatInZone(ms, zone).slice(0, 10) }
        : { dateTime: new Date(ms).toISOString() };
      if (exceptionsById.has(`${r.id}_${compactInstanceTime(originalStart)}`)) continue;
      intervals.push([Math.max(ms, fromMs), Math.min(ms + duration, toMs)]);
    }
  }

  intervals.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const interval of intervals) {
    const last = merged[merged.length - 1];
    if (last && interval[0] <= last[1]) last[1] = Math.max(last[1], interval[1]);
    else merged.push([...interval]);
  }
  return merged;
}

export function freeBusy(store: GoogleStore, body: unknown, res: ServerResponse): void {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof input.timeMin !== 'string') return required(res, 'Missing timeMin.');
  if (typeof input.timeMax !== 'string') return required(res, 'Missing timeMax.');
  const fromMs = Date.parse(input.timeMin);
  const toMs = Date.parse(input.timeMax);
  if (Number.isNaN(fromMs) || Number.isNaN(toMs)) return badRequest(res, 'Invalid time value.');
  if (toMs <= fromMs) return badRequest(res, 'The specified time range is empty.', 'timeMax');
  const items = Array.isArray(input.items) ? input.items : [];

  const calendars: Record<string, unknown> = {};
  items.forEach((item: unknown, index) => {
    const id =
      typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string'
        ? (item as { id: string }).id
        : undefined;
    if (id === undefined) return;
    if (index >= MAX_CALENDARS) {
      calendars[id] = { errors: [{ domain: 'usageLimits', reason: 'tooManyCalendarsRequested' }], busy: [] };
      return;
    }
    const calendar = store.findCalendar(id);
    if (!calendar) {
      calendars[id] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
      return;
    }
    calendars[id] = {
      busy: busyIntervals(calendar, fromMs, toMs).map(([start, end]) => ({ start: toUtcString(start), end: toUtcString(end) })),
    };
  });
  sendJson(res, 200, { kind: 'calendar#freeBusy', timeMin: toUtcString(fromMs), timeMax: toUtcString(toMs), calendars });
}
