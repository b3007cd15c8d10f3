// Free/busy across several calendars: busy intervals from every calendar of a user, clipped to the asked
// window and merged where they overlap or touch, so the result is a sorted list of disjoint blocks. Pure.

export interface Interval {
  start: string; // ISO-8601 instant
  end: string;
}

/** A busy interval as epoch milliseconds, [start, end): what the synced rows give without formatting and parsing dates. */
export type Span = readonly [start: number, end: number];

export const spanOf = ({ start, end }: Interval): Span => [Date.parse(start), Date.parse(end)];

export function mergeBusyIntervals(intervals: Interval[], window?: { from: string; to: string }): Interval[] {
  return mergeBusySpans(intervals.map(spanOf), window);
}

export function mergeBusySpans(busy: Span[], window?: { from: string; to: string }): Interval[] {
  const lower = window ? Date.parse(window.from) : -Infinity;
  const upper = window ? Date.parse(window.to) : Infinity;
  const spans = busy
    .map(([start, end]) => [Math.max(start, lower), Math.min(end, upper)] as const)
    .filter(([start, end]) => Number.isFinite(start) && Number.isFinite(end) && start < end)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of spans) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged.map(([start, end]) => ({ start: new Date(start).toISOString(), end: new Date(end).toISOString() }));
}
