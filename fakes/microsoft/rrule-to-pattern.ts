// Seeds describe series with RFC 5545 RRULE lines (they are provider-neutral); a series made in Outlook carries
// a Graph patternedRecurrence instead. This is the fake's own translation, used for seeding only: FREQ
// DAILY/WEEKLY/MONTHLY/YEARLY with INTERVAL, BYDAY (ordinals allowed for MONTHLY/YEARLY), BYSETPOS, BYMONTHDAY,
// BYMONTH, WKST, COUNT and UNTIL. A rule Outlook cannot hold (EXDATE, BYHOUR, several BYMONTHDAY...) is
// refused rather than approximated.
import { weekdayOf } from '../time/calendar-dates';
import { instantOfWall } from '../time/zone-clock';
import type { DayOfWeek, PatternedRecurrence, RecurrencePattern, WeekIndex } from './event-resource';
import { dateIn } from './graph-time';
import { DAYS } from './recurrence-expansion';

export class UnrepresentableRule extends Error {}

const ICAL_DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const INDEX_BY_ORDINAL: Record<string, WeekIndex> = { '1': 'first', '2': 'second', '3': 'third', '4': 'fourth', '-1': 'last' };

function dayOf(ical: string): DayOfWeek {
  const index = ICAL_DAYS.indexOf(ical);
  if (index < 0) throw new UnrepresentableRule(`unknown weekday ${ical}`);
  return DAYS[index]!;
}

function parseRule(lines: string[]): Map<string, string> {
  const rules = lines.filter((line) => /^RRULE:/i.test(line));
  if (rules.length !== 1 || rules.length !== lines.filter((l) => l.trim() !== '').length) {
    throw new UnrepresentableRule('a series made in Outlook has exactly one rule and no EXDATE/RDATE/EXRULE lines');
  }
  const parts = new Map<string, string>();
  for (const part of rules[0]!.slice('RRULE:'.length).split(';')) {
    const [key, value] = part.split('=');
    if (key && value !== undefined) parts.set(key.toUpperCase(), value.toUpperCase());
  }
  const known = ['FREQ', 'INTERVAL', 'BYDAY', 'BYSETPOS', 'BYMONTHDAY', 'BYMONTH', 'WKST', 'COUNT', 'UNTIL'];
  for (const key of parts.keys()) if (!known.includes(key)) throw new UnrepresentableRule(`${key} has no Outlook equivalent`);
  return parts;
}

/** UNTIL (a date, a UTC date-time, or a floating date-time in the series zone) as the inclusive end date. */
function endDateOf(until: string, iana: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(until);
  if (!m) throw new UnrepresentableRule(`unreadable UNTIL ${until}`);
  const [, y, mo, d, h, mi, s, z] = m;
  if (h === undefined) return `${y}-${mo}-${d}`;
  const wall = { year: +y!, month: +mo!, day: +d!, hour: +h, minute: +mi!, second: +s! };
  const ms = z ? Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) : instantOfWall(wall, iana);
  return dateIn(ms, iana);
}

/**
 * The patternedRecurrence of a series whose first occurrence is on `startDate` (in `iana`), written with the
 * zone name `zoneName` as Outlook writes it.
 */
export function rruleToPattern(lines: string[], startDate: string, iana: string, zoneName: string): PatternedRecurrence {
  const rule = parseRule(lines);
  const interval = Number(rule.get('INTERVAL') ?? '1');
  if (!Number.isInteger(interval) || interval < 1) throw new UnrepresentableRule('INTERVAL must be a positive integer');
  const byDay = (rule.get('BYDAY') ?? '')
    .split(',')
    .filter(Boolean)
    .map((entry) => {
      const m = /^([+-]?\d)?([A-Z]{2})$/.exec(entry);
      if (!m) throw new UnrepresentableRule(`unreadable BYDAY ${entry}`);
      return { ordinal: m[1]?.replace('+', ''), day: dayOf(m[2]!) };
    });
  const ordinals = new Set(byDay.map((d) => d.ordinal ?? rule.get('BYSETPOS')).filter((o) => o !== undefined));
  const relative = ordinals.size > 0;
  if (ordinals.size > 1) throw new UnrepresentableRule('Outlook holds one week index per series');
  const index = relative ? INDEX_BY_ORDINAL[[...ordinals][0]!] : undefined;
  if (relative && !index) throw new UnrepresentableRule('the week index must be 1 to 4 or -1');
  const monthDay = Number(rule.get('BYMONTHDAY') ?? startDate.slice(8, 10));
  const month = Number(rule.get('BYMONTH') ?? startDate.slice(5, 7));
  if (!Number.isInteger(monthDay) || monthDay < 1 || monthDay > 31) throw new UnrepresentableRule('BYMONTHDAY must be one day 1-31');
  const firstDayOfWeek = dayOf(rule.get('WKST') ?? 'MO'); // RFC 5545's default week start

  const base: RecurrencePattern = {
    type: 'daily',
    interval,
    month: 0,
    dayOfMonth: 0,
    daysOfWeek: [],
    firstDayOfWeek,
    index: 'first',
  };
  let pattern: RecurrencePattern;
  switch (rule.get('FREQ')) {
    case 'DAILY':
      if (byDay.length) throw new UnrepresentableRule('a daily rule with BYDAY is a weekly pattern in Outlook');
      pattern = base;
      break;
    case 'WEEKLY':
      pattern = { ...base, type: 'weekly', daysOfWeek: byDay.length ? byDay.map((d) => d.day) : [DAYS[weekdayOf(startDate)]!] };
      break;
    case 'MONTHLY':
      pattern = relative
        ? { ...base, type: 'relativeMonthly', daysOfWeek: byDay.map((d) => d.day), index: index! }
        : { ...base, type: 'absoluteMonthly', dayOfMonth: monthDay };
      break;
    case 'YEARLY':
      pattern = relative
        ? { ...base, type: 'relativeYearly', month, daysOfWeek: byDay.map((d) => d.day), index: index! }
        : { ...base, type: 'absoluteYearly', month, dayOfMonth: monthDay };
      break;
    default:
      throw new UnrepresentableRule(`FREQ=${rule.get('FREQ') ?? ''} has no Outlook equivalent`);
  }
  const count = rule.get('COUNT');
  const until = rule.get('UNTIL');
  return {
    pattern,
    range: {
      type: count ? 'numbered' : until ? 'endDate' : 'noEnd',
      startDate,
      endDate: until ? endDateOf(until, iana) : '0001-01-01',
      recurrenceTimeZone: zoneName,
      numberOfOccurrences: count ? Number(count) : 0,
    },
  };
}
