import { occurrenceStarts } from '../../domain/recurrence/occurrences';

const NOW = new Date('2026-03-01T00:00:00Z');

describe('occurrenceStarts', () => {
  const start = new Date('2026-03-23T08:00:00Z'); // Monday 09:00 in Berlin (CET)

  it('repeats in the series zone across a DST change (09:00 Berlin stays 09:00)', () => {
    const starts = occurrenceStarts(
      { start, timeZone: 'Europe/Berlin', lines: ['RRULE:FREQ=WEEKLY;COUNT=3'] },
      { from: new Date('2026-03-01T00:00:00Z'), until: new Date('2026-05-01T00:00:00Z') },
      500,
      NOW,
    );
    // 2026-03-29 is the switch to CEST: the second and third meetings are at 07:00 UTC.
    expect(starts.map((date) => date.toISOString())).toEqual([
      '2026-03-23T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-04-06T07:00:00.000Z',
    ]);
  });

  it('honours EXDATE (with TZID or in UTC), UNTIL and the window', () => {
    const starts = occurrenceStarts(
      {
        start,
        timeZone: 'Europe/Berlin',
        lines: ['RRULE:FREQ=DAILY;UNTIL=20260327T080000Z', 'EXDATE;TZID=Europe/Berlin:20260324T090000', 'EXDATE:20260326T080000Z'],
      },
      { from: new Date('2026-03-23T12:00:00Z'), until: new Date('2026-04-30T00:00:00Z') },
      500,
      NOW,
    );
    expect(starts.map((date) => date.toISOString())).toEqual(['2026-03-25T08:00:00.000Z', '2026-03-27T08:00:00.000Z']);
  });

  it('adds RDATE occurrences and stops at the limit', () => {
    const starts = occurrenceStarts(
      { start, timeZone: 'UTC', lines: ['RRULE:FREQ=DAILY', 'RDATE:20260323T083000Z'] },
      { from: start, until: new Date('2026-03-30T00:00:00Z') },
      3,
      NOW,
    );
    expect(starts.map((date) => date.toISOString())).toEqual([
      '2026-03-23T08:00:00.000Z',
      '2026-03-23T08:30:00.000Z',
      '2026-03-24T08:00:00.000Z',
    ]);
  });

  it('takes an EXRULE out (expanded like a rule, within the same budget)', () => {
    const starts = occurrenceStarts(
      { start, timeZone: 'UTC', lines: ['RRULE:FREQ=DAILY;COUNT=7', 'EXRULE:FREQ=WEEKLY;BYDAY=TU,TH'] },
      { from: start, until: new Date('2026-04-30T00:00:00Z') },
      500,
      NOW,
    );
    expect(starts.map((date) => date.toISOString().slice(0, 10))).toEqual([
      '2026-03-23',
      '2026-03-25',
      '2026-03-27',
      '2026-03-28',
      '2026-03-29',
    ]);
  });
});
