import { isOccurrenceOf, splitSeries } from '../../domain/recurrence/series-split';
import { occurrenceStarts } from '../../domain/recurrence/occurrences';
import type { EventTime } from '../../domain/events';

const berlin = (iso: string): EventTime => ({ kind: 'dateTime', dateTime: new Date(iso).toISOString(), timeZone: 'Europe/Berlin' });
const day = (date: string): EventTime => ({ kind: 'date', date });
const NOW = new Date('2026-11-28T12:00:00Z');
const startsOf = (start: EventTime, lines: string[]) =>
  occurrenceStarts(
    {
      start: new Date(start.kind === 'date' ? `${start.date}T00:00:00Z` : start.dateTime),
      timeZone: start.kind === 'dateTime' ? start.timeZone : 'UTC',
      lines,
    },
    { from: new Date('2026-01-01T00:00:00Z'), until: new Date('2028-01-01T00:00:00Z') },
    1000,
    NOW,
  ).map((d) => d.toISOString());

describe('splitting a series at an occurrence ("this and following")', () => {
  // Tuesdays 09:00 Berlin, from 1 Dec 2026 (CET, 08:00Z).
  const weekly = { start: berlin('2026-12-01T08:00:00Z'), recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'] };

  it('shares COUNT out so the two parts together are the original occurrences', () => {
    const split = splitSeries(weekly, berlin('2026-12-15T08:00:00Z'), NOW);
    if (split.kind !== 'split') throw new Error(split.kind);
    expect(split.continuingRecurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=4']);
    const before = startsOf(weekly.start, split.endedRecurrence);
    const after = startsOf(berlin('2026-12-15T08:00:00Z'), split.continuingRecurrence);
    expect(before).toEqual(['2026-12-01T08:00:00.000Z', '2026-12-08T08:00:00.000Z']);
    expect([...before, ...after]).toEqual(startsOf(weekly.start, weekly.recurrence));
  });

  it('ends the first part at the end of the day of its last occurrence, in the series zone', () => {
    const split = splitSeries({ ...weekly, recurrence: ['RRULE:FREQ=WEEKLY'] }, berlin('2026-12-15T08:00:00Z'), NOW);
    if (split.kind !== 'split') throw new Error(split.kind);
    // 8 Dec 23:59:59 Berlin = 22:59:59Z: Graph's endDate 2026-12-08 keeps exactly the same occurrences.
    expect(split.endedRecurrence).toEqual(['RRULE:FREQ=WEEKLY;UNTIL=20261208T225959Z']);
    expect(split.continuingRecurrence).toEqual(['RRULE:FREQ=WEEKLY']);
  });

  it('keeps an original UNTIL on the continuing part and sends EXDATEs to the side they fall on', () => {
    const series = {
      start: weekly.start,
      recurrence: ['RRULE:FREQ=WEEKLY;UNTIL=20270131T230000Z', 'EXDATE;TZID=Europe/Berlin:20261208T090000,20261222T090000'],
    };
    const split = splitSeries(series, berlin('2026-12-15T08:00:00Z'), NOW);
    if (split.kind !== 'split') throw new Error(split.kind);
    expect(split.endedRecurrence).toEqual(['RRULE:FREQ=WEEKLY;UNTIL=20261208T225959Z', 'EXDATE;TZID=Europe/Berlin:20261208T090000']);
    expect(split.continuingRecurrence).toEqual(['RRULE:FREQ=WEEKLY;UNTIL=20270131T230000Z', 'EXDATE;TZID=Europe/Berlin:20261222T090000']);
    const all = startsOf(series.start, series.recurrence);
    const parts = [
      ...startsOf(series.start, split.endedRecurrence),
      ...startsOf(berlin('2026-12-15T08:00:00Z'), split.continuingRecurrence),
    ];
    expect(parts).toEqual(all);
  });

  it('splits an all-day series with a date UNTIL', () => {
    const series = { start: day('2026-12-01'), recurrence: ['RRULE:FREQ=DAILY;COUNT=5'] };
    const split = splitSeries(series, day('2026-12-04'), NOW);
    if (split.kind !== 'split') throw new Error(split.kind);
    expect(split.endedRecurrence).toEqual(['RRULE:FREQ=DAILY;UNTIL=20261203']);
    expect(split.continuingRecurrence).toEqual(['RRULE:FREQ=DAILY;COUNT=2']);
  });

  it('keeps wall-clock time across a DST change (the split is in summer time)', () => {
    const series = { start: berlin('2027-03-02T08:00:00Z'), recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'] };
    // 30 Mar 2027 09:00 CEST = 07:00Z.
    const split = splitSeries(series, berlin('2027-03-30T07:00:00Z'), NOW);
    if (split.kind !== 'split') throw new Error(split.kind);
    expect(split.continuingRecurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=2']);
    expect(startsOf(series.start, split.endedRecurrence)).toHaveLength(4);
  });

  it('treats the first occurrence as the whole series, and refuses non-occurrences and unsupported rules', () => {
    expect(splitSeries(weekly, weekly.start, NOW).kind).toBe('whole_series');
    expect(splitSeries(weekly, berlin('2026-12-16T08:00:00Z'), NOW).kind).toBe('not_an_occurrence');
    expect(splitSeries(weekly, berlin('2027-02-02T08:00:00Z'), NOW).kind).toBe('not_an_occurrence'); // past COUNT
    expect(splitSeries(weekly, day('2026-12-15'), NOW).kind).toBe('not_an_occurrence');
    expect(
      splitSeries({ ...weekly, recurrence: ['RRULE:FREQ=WEEKLY', 'RRULE:FREQ=DAILY'] }, berlin('2026-12-15T08:00:00Z'), NOW).kind,
    ).toBe('unsupported');
  });

  it('knows an occurrence from an excluded or a made-up start', () => {
    const series = { start: weekly.start, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6', 'EXDATE:20261208T080000Z'] };
    expect(isOccurrenceOf(series, berlin('2026-12-15T08:00:00Z'), NOW)).toBe(true);
    expect(isOccurrenceOf(series, berlin('2026-12-08T08:00:00Z'), NOW)).toBe(false);
    expect(isOccurrenceOf(series, berlin('2026-12-15T08:30:00Z'), NOW)).toBe(false);
  });
});
