// Bounded expansion of one RRULE (rule.ts) on floating wall-clock time (civil-days.ts), period by period:
// each period (a day, a week, a month or a year, INTERVAL apart) contributes the days its BY* parts pick,
// at the start's time of day. The loop is ours, so its cost is known: every candidate day looked at is one
// unit of work from the caller's budget (and each period a few more), and a rule without COUNT starts at the period holding the window
// instead of at the series' first one. A rule that never matches costs its budget or its span, whichever
// ends first, never more. Pure.
import { civilDate, DAY_MS, dayNumber, dayOf, daysInMonth, isLeapYear, monthIndex, weekdayOf } from './civil-days';
import type { RecurrenceRule } from './rule';

/** What stepping to the next period costs besides its days (measured: about eight days' worth). */
const PERIOD_COST = 8;

export interface WorkBudget {
  /** Units left; an expansion stops (incomplete) when it runs out. */
  remaining: number;
}

export interface RuleWindow {
  /** Wall time of the series' first start (DTSTART). */
  startWall: number;
  /** Wall-clock window asked for, inclusive. */
  fromWall: number;
  untilWall: number;
  /** The rule's own end (UNTIL) as a wall time, if any. */
  ruleUntilWall?: number;
}

/** Occurrence wall times in the window, in order; `complete` is false when the budget ran out first. */
export function expandRule(
  rule: RecurrenceRule,
  window: RuleWindow,
  budget: WorkBudget,
  limit = Number.POSITIVE_INFINITY,
): { wallTimes: number[]; complete: boolean } {
  const startDay = dayOf(window.startWall);
  const timeOfDay = window.startWall - startDay * DAY_MS;
  const start = civilDate(startDay);
  const lastWall = Math.min(window.untilWall, window.ruleUntilWall ?? Number.POSITIVE_INFINITY);
  const picks = withDefaults(rule, start, weekdayOf(startDay));
  const periods = periodsOf(rule, startDay);
  // Without COUNT, periods before the window's cannot contribute: start at the one holding its first day.
  let index = rule.count === undefined ? Math.max(0, periods.indexAt(dayOf(window.fromWall))) : 0;
  let produced = 0;
  const wallTimes: number[] = [];
  for (; ; index += 1) {
    const [firstDay, lastDay] = periods.daysOf(index);
    if (firstDay * DAY_MS > lastWall) return { wallTimes, complete: true };
    const cost = lastDay - firstDay + 1 + PERIOD_COST;
    if (budget.remaining < cost) return { wallTimes, complete: false };
    budget.remaining -= cost;
    for (const day of pickedDays(rule.freq, picks, firstDay, lastDay)) {
      const wall = day * DAY_MS + timeOfDay;
      if (wall < window.startWall) continue;
      if (wall > lastWall) return { wallTimes, complete: true };
      produced += 1;
      if (rule.count !== undefined && produced > rule.count) return { wallTimes, complete: true };
      if (wall >= window.fromWall) {
        wallTimes.push(wall);
        if (wallTimes.length >= limit) return { wallTimes, complete: true };
      }
    }
  }
}

interface Picks {
  byDay: RecurrenceRule['byDay'];
  byMonthDay: number[];
  byMonth: number[];
  bySetPos: number[];
}

/** RFC 5545: what a rule without BYDAY/BYMONTHDAY takes from its start (WEEKLY its weekday, ...). */
function withDefaults(rule: RecurrenceRule, start: { month: number; day: number }, startWeekday: number): Picks {
  const picks: Picks = { byDay: rule.byDay, byMonthDay: rule.byMonthDay, byMonth: rule.byMonth, bySetPos: rule.bySetPos };
  if (rule.byDay.length === 0 && rule.byMonthDay.length === 0) {
    if (rule.freq === 'WEEKLY') picks.byDay = [{ weekday: startWeekday, nth: 0 }];
    if (rule.freq === 'MONTHLY') picks.byMonthDay = [start.day];
    if (rule.freq === 'YEARLY') {
      picks.byMonthDay = [start.day];
      if (picks.byMonth.length === 0) picks.byMonth = [start.month];
    }
  }
  return picks;
}

/** The days of the rule's periods: index 0 holds the start; `indexAt` finds the one holding a day. */
function periodsOf(rule: RecurrenceRule, startDay: number) {
  const { interval } = rule;
  const start = civilDate(startDay);
  switch (rule.freq) {
    case 'DAILY':
      return {
        daysOf: (i: number): [number, number] => [startDay + i * interval, startDay + i * interval],
        indexAt: (day: number) => Math.floor((day - startDay) / interval),
      };
    case 'WEEKLY': {
      const weekStart = startDay - ((weekdayOf(startDay) - rule.weekStart + 7) % 7);
      return {
        daysOf: (i: number): [number, number] => [weekStart + i * 7 * interval, weekStart + i * 7 * interval + 6],
        indexAt: (day: number) => Math.floor((day - weekStart) / (7 * interval)),
      };
    }
    case 'MONTHLY': {
      const first = monthIndex(start.year, start.month);
      return {
        daysOf: (i: number): [number, number] => {
          const m = first + i * interval;
          const year = Math.floor(m / 12);
          const month = (m % 12) + 1;
          return [dayNumber(year, month, 1), dayNumber(year, month, daysInMonth(year, month))];
        },
        indexAt: (day: number) => {
          const at = civilDate(day);
          return Math.floor((monthIndex(at.year, at.month) - first) / interval);
        },
      };
    }
    case 'YEARLY':
      return {
        daysOf: (i: number): [number, number] => [dayNumber(start.year + i * interval, 1, 1), dayNumber(start.year + i * interval, 12, 31)],
        indexAt: (day: number) => Math.floor((civilDate(day).year - start.year) / interval),
      };
  }
}

/** The period's days the BY* parts pick, in order, after BYSETPOS. One pass, with the civil date carried along. */
function pickedDays(freq: RecurrenceRule['freq'], picks: Picks, firstDay: number, lastDay: number): number[] {
  const days: number[] = [];
  const first = civilDate(firstDay);
  const date: DayCursor = {
    year: first.year,
    month: first.month,
    day: first.day,
    weekday: weekdayOf(firstDay),
    monthLength: daysInMonth(first.year, first.month),
    monthFirst: firstDay - (first.day - 1),
    yearFirst: dayNumber(first.year, 1, 1),
  };
  const ordinalsInYear = freq === 'YEARLY' && picks.byMonth.length === 0;
  for (let day = firstDay; day <= lastDay; day += 1) {
    if (matches(picks, date, day, ordinalsInYear)) days.push(day);
    advance(date, day);
  }
  if (picks.bySetPos.length === 0) return days;
  const chosen = new Set<number>();
  for (const position of picks.bySetPos) {
    const day = position > 0 ? days[position - 1] : days[days.length + position];
    if (day !== undefined) chosen.add(day);
  }
  return [...chosen].sort((a, b) => a - b);
}

interface DayCursor {
  year: number;
  month: number;
  day: number;
  weekday: number;
  monthLength: number;
  /** Day numbers of the first day of the current month and year. */
  monthFirst: number;
  yearFirst: number;
}

function advance(date: DayCursor, day: number): void {
  date.weekday = date.weekday === 6 ? 0 : date.weekday + 1;
  date.day += 1;
  if (date.day <= date.monthLength) return;
  date.day = 1;
  date.month += 1;
  date.monthFirst = day + 1;
  if (date.month > 12) {
    date.month = 1;
    date.year += 1;
    date.yearFirst = day + 1;
  }
  date.monthLength = daysInMonth(date.year, date.month);
}

function matches(picks: Picks, date: DayCursor, day: number, ordinalsInYear: boolean): boolean {
  if (picks.byMonth.length && !picks.byMonth.includes(date.month)) return false;
  if (picks.byMonthDay.length && !picks.byMonthDay.some((n) => (n > 0 ? n === date.day : date.monthLength + n + 1 === date.day))) {
    return false;
  }
  if (picks.byDay.length === 0) return true;
  let plain = false;
  let plainAsked = false;
  let ordinal = false;
  let ordinalAsked = false;
  for (const entry of picks.byDay) {
    if (entry.nth === 0) {
      plainAsked = true;
      plain ||= entry.weekday === date.weekday;
      continue;
    }
    ordinalAsked = true;
    if (ordinal || entry.weekday !== date.weekday) continue;
    // Ordinals count within the month (MONTHLY, or YEARLY with BYMONTH) or else the year.
    const rangeFirst = ordinalsInYear ? date.yearFirst : date.monthFirst;
    const rangeLast = ordinalsInYear ? date.yearFirst + (isLeapYear(date.year) ? 365 : 364) : date.monthFirst + date.monthLength - 1;
    const nth = entry.nth > 0 ? Math.floor((day - rangeFirst) / 7) + 1 : -(Math.floor((rangeLast - day) / 7) + 1);
    ordinal = nth === entry.nth;
  }
  // As RFC 5545's reference implementations do: plain weekdays and ordinal ones each have to hold.
  return (!plainAsked || plain) && (!ordinalAsked || ordinal);
}
