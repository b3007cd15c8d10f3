// Free/busy across several calendars: busy intervals from every calendar of a user, clipped to the asked
// window and merged where they overlap or touch, so the result is a sorted list of disjoint blocks. Pure.

export interface Interval {
  start: string; // ISO-8601 instant
  end: string;
}

export function mergeBusyIntervals(intervals: Interval[], window?: { from: string; to: string }): Interval[] {
  const lower = window ? Date.parse(window.from) : -Infinity;
  const upper = window ? Date.parse(window.to) : Infinity;
  const spans = intervals
    .map(({ start, end }) => [Math.max(Date.parse(start), lower), Math.min(Date.parse(end), upper)] as const)
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
