// The dates of a Graph `patternedRecurrence`, by the pattern and range semantics of Graph's recurrencePattern
// and recurrenceRange references. Dates are calendar dates in the range's recurrenceTimeZone; the caller puts
// the series' time of day on them.
//
// - daily: every `interval` days from startDate.
// - weekly: the `daysOfWeek` of every `interval`-th week, weeks starting on `firstDayOfWeek`, counted from the
//   week holding startDate.
// - absoluteMonthly / absoluteYearly: `dayOfMonth` (of `month`) every `interval` months / years. A month
//   without that day uses its last day, as Outlook does ("Some months have fewer than 31 days...").
// - relativeMonthly / relativeYearly: the `index`-th (first..fourth, or last) of the days in the month that are
//   one of `daysOfWeek` ("counted from the first instance in the month").
// - range: occurrences on or after startDate; endDate inclusive; numbered counts occurrences from the start.
import { addDays, addMonths, daysInMonth, formatDate, parseDate, weekdayOf } from '../time/calendar-dates';
import type { DayOfWeek, PatternedRecurrence, RecurrencePattern } from './event-resource';

export const DAYS: DayOfWeek[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const INDEX = { first: 0, second: 1, third: 2, fourth: 3, last: -1 } as const;
/** A runaway guard: more periods than any calendar view needs (Outlook caps numbered ranges at 999). */
const MAX_PERIODS = 20_000;

function clampedDay(year: number, month: number, day: number): string {
  return formatDate(year, month, Math.min(day, daysInMonth(year, month)));
}

/** The `index`-th day of the month whose weekday is one of `daysOfWeek`. */
function relativeDay(year: number, month: number, pattern: RecurrencePattern): string | undefined {
  const wanted = new Set(pattern.daysOfWeek.map((d) => DAYS.indexOf(d)));
  const matching: string[] = [];
  for (let day = 1; day <= daysInMonth(year, month); day++) {
    const date = formatDate(year, month, day);
    if (wanted.has(weekdayOf(date))) matching.push(date);
  }
  const n = INDEX[pattern.index];
  return n < 0 ? matching[matching.length - 1] : matching[n];
}

/** Candidate dates of one period (a day, week, month or year), in order. */
function periodDates(pattern: RecurrencePattern, startDate: string, period: number): string[] {
  const start = parseDate(startDate);
  switch (pattern.type) {
    case 'daily':
      return [addDays(startDate, period * pattern.interval)];
    case 'weekly': {
      const first = DAYS.indexOf(pattern.firstDayOfWeek);
      const weekStart = addDays(startDate, -((weekdayOf(startDate) - first + 7) % 7) + period * 7 * pattern.interval);
      const wanted = new Set(pattern.daysOfWeek.map((d) => DAYS.indexOf(d)));
      return [0, 1, 2, 3, 4, 5, 6].map((i) => addDays(weekStart, i)).filter((date) => wanted.has(weekdayOf(date)));
    }
    case 'absoluteMonthly':
    case 'relativeMonthly': {
      const { year, month } = addMonths(start.year, start.month, period * pattern.interval);
      const date = pattern.type === 'absoluteMonthly' ? clampedDay(year, month, pattern.dayOfMonth) : relativeDay(year, month, pattern);
      return date ? [date] : [];
    }
    case 'absoluteYearly':
    case 'relativeYearly': {
      const year = start.year + period * pattern.interval;
      const date =
        pattern.type === 'absoluteYearly' ? clampedDay(year, pattern.month, pattern.dayOfMonth) : relativeDay(year, pattern.month, pattern);
      return date ? [date] : [];
    }
  }
}

/** Occurrence dates of the series in order, up to and including `lastDate` (and the range's own end). */
export function occurrenceDates(recurrence: PatternedRecurrence, lastDate: string): string[] {
  const { pattern, range } = recurrence;
  const until = range.type === 'endDate' && range.endDate < lastDate ? range.endDate : lastDate;
  const limit = range.type === 'numbered' ? range.numberOfOccurrences : Infinity;
  const dates: string[] = [];
  for (let period = 0; period < MAX_PERIODS; period++) {
    for (const date of periodDates(pattern, range.startDate, period)) {
      if (date < range.startDate) continue;
      if (date > until || dates.length >= limit) return dates;
      dates.push(date);
    }
  }
  return dates;
}
