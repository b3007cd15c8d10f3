// Pure mapping tests: Graph patternedRecurrence <-> RRULE, and Graph event JSON with Windows zone names.
import { graphToProviderEvent, toGraphEventBody, transactionIdFor } from '../../providers/microsoft/normalize';
import {
  RecurrenceMappingError,
  recurrenceToRrule,
  rruleToRecurrence,
  type PatternedRecurrence,
} from '../../providers/microsoft/recurrence';
import { graphEventSchema } from '../../providers/microsoft/schemas';
import { ProviderError } from '../../providers/errors';

const ctx = { timeZone: 'America/Los_Angeles', allDay: false };

describe('patternedRecurrence -> RRULE', () => {
  it.each<[string, PatternedRecurrence, string]>([
    [
      'daily every 2 days, numbered',
      { pattern: { type: 'daily', interval: 2 }, range: { type: 'numbered', startDate: '2030-01-07', numberOfOccurrences: 5 } },
      'RRULE:FREQ=DAILY;INTERVAL=2;COUNT=5',
    ],
    [
      'weekly Mon+Wed, no end',
      {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday', 'wednesday'], firstDayOfWeek: 'sunday' },
        range: { type: 'noEnd', startDate: '2030-01-07' },
      },
      'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;WKST=SU',
    ],
    [
      'absolute monthly on the 15th',
      { pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 15 }, range: { type: 'noEnd', startDate: '2030-01-15' } },
      'RRULE:FREQ=MONTHLY;BYMONTHDAY=15',
    ],
    [
      'relative monthly: second Tuesday',
      {
        pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['tuesday'], index: 'second' },
        range: { type: 'noEnd', startDate: '2030-01-08' },
      },
      'RRULE:FREQ=MONTHLY;BYDAY=2TU',
    ],
    [
      'relative monthly: last weekday of several',
      {
        pattern: { type: 'relativeMonthly', interval: 3, daysOfWeek: ['monday', 'friday'], index: 'last' },
        range: { type: 'noEnd', startDate: '2030-01-28' },
      },
      'RRULE:FREQ=MONTHLY;INTERVAL=3;BYDAY=MO,FR;BYSETPOS=-1',
    ],
    [
      'absolute yearly',
      { pattern: { type: 'absoluteYearly', interval: 1, month: 3, dayOfMonth: 4 }, range: { type: 'noEnd', startDate: '2030-03-04' } },
      'RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=4',
    ],
    [
      'relative yearly: first Monday of September',
      {
        pattern: { type: 'relativeYearly', interval: 1, month: 9, daysOfWeek: ['monday'], index: 'first' },
        range: { type: 'noEnd', startDate: '2030-09-02' },
      },
      'RRULE:FREQ=YEARLY;BYMONTH=9;BYDAY=1MO',
    ],
  ])('%s', (_name, recurrence, rrule) => {
    expect(recurrenceToRrule(recurrence, ctx)).toEqual([rrule]);
    const back = rruleToRecurrence([rrule], recurrence.range.startDate, ctx);
    expect(back.pattern).toMatchObject(recurrence.pattern);
    expect(back.range).toMatchObject({ type: recurrence.range.type, startDate: recurrence.range.startDate });
  });

  it('writes an end date as UNTIL at the end of that day in the series zone, and reads it back', () => {
    const recurrence: PatternedRecurrence = {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['friday'] },
      range: { type: 'endDate', startDate: '2030-01-04', endDate: '2030-02-01' },
    };
    const [line] = recurrenceToRrule(recurrence, ctx);
    expect(line).toBe('RRULE:FREQ=WEEKLY;BYDAY=FR;UNTIL=20300202T075959Z'); // 23:59:59 PST
    expect(rruleToRecurrence([line!], '2030-01-04', ctx).range).toMatchObject({ type: 'endDate', endDate: '2030-02-01' });
    expect(recurrenceToRrule(recurrence, { ...ctx, allDay: true })).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=FR;UNTIL=20300201']);
  });

  it('defaults a weekly rule without BYDAY to the start weekday', () => {
    expect(rruleToRecurrence(['RRULE:FREQ=WEEKLY;COUNT=3'], '2030-01-09', ctx).pattern.daysOfWeek).toEqual(['wednesday']);
  });

  it.each([['RRULE:FREQ=HOURLY'], ['RRULE:FREQ=DAILY;BYHOUR=9'], ['RRULE:FREQ=MONTHLY;BYDAY=5MO']])(
    'rejects %s, which Graph cannot express',
    (line) => {
      expect(() => rruleToRecurrence([line], '2030-01-07', ctx)).toThrow(RecurrenceMappingError);
    },
  );

  it('rejects EXDATE/RDATE lines, and the adapter reports that as invalid_request', () => {
    const lines = ['RRULE:FREQ=DAILY;COUNT=3', 'EXDATE:20300108T170000Z'];
    expect(() => rruleToRecurrence(lines, '2030-01-07', ctx)).toThrow(RecurrenceMappingError);
    const start = { kind: 'dateTime' as const, dateTime: '2030-01-07T17:00:00.000Z', timeZone: 'America/Los_Angeles' };
    expect(() => toGraphEventBody({ start, recurrence: lines })).toThrow(ProviderError);
  });

  it('writes a recurring EventInput with the Windows zone name and a Graph pattern', () => {
    const body = toGraphEventBody({
      title: 'Standup',
      start: { kind: 'dateTime', dateTime: '2030-01-07T17:00:00.000Z', timeZone: 'America/Los_Angeles' },
      end: { kind: 'dateTime', dateTime: '2030-01-07T17:15:00.000Z', timeZone: 'America/Los_Angeles' },
      recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=20'],
    });
    expect(body.start).toEqual({ dateTime: '2030-01-07T09:00:00.0000000', timeZone: 'Pacific Standard Time' });
    expect(body.recurrence).toEqual({
      pattern: {
        type: 'weekly',
        interval: 1,
        daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        firstDayOfWeek: 'monday',
      },
      range: { type: 'numbered', startDate: '2030-01-07', numberOfOccurrences: 20, recurrenceTimeZone: 'Pacific Standard Time' },
    });
  });
});

describe('Graph event JSON with Windows time zones', () => {
  const base = {
    id: 'AAMkAD1',
    changeKey: 'ck1',
    subject: 'Planning',
    lastModifiedDateTime: '2030-01-01T00:00:00.1234567Z',
    attendees: [{ type: 'optional', status: { response: 'tentativelyAccepted' }, emailAddress: { address: 'a@example.org', name: 'A' } }],
  };

  it('reads a start written in "Pacific Standard Time" as the right UTC instant and IANA zone', () => {
    const event = graphToProviderEvent(
      graphEventSchema.parse({
        ...base,
        type: 'singleInstance',
        start: { dateTime: '2030-07-01T09:00:00.0000000', timeZone: 'Pacific Standard Time' },
        end: { dateTime: '2030-07-01T10:30:00.0000000', timeZone: 'Pacific Standard Time' },
        originalStartTimeZone: 'Pacific Standard Time',
        originalEndTimeZone: 'Pacific Standard Time',
      }),
      'cal',
    );
    expect(event.start).toEqual({ kind: 'dateTime', dateTime: '2030-07-01T16:00:00.000Z', timeZone: 'America/Los_Angeles' }); // PDT
    expect(event.end).toEqual({ kind: 'dateTime', dateTime: '2030-07-01T17:30:00.000Z', timeZone: 'America/Los_Angeles' });
    expect(event.attendees).toEqual([{ email: 'a@example.org', name: 'A', response: 'tentative', optional: true }]);
    // The version is what If-Match needs: the @odata.etag form of the changeKey.
    expect(event).toMatchObject({ version: 'W/"ck1"', kind: 'single', status: 'confirmed', updatedAt: '2030-01-01T00:00:00.123Z' });
  });

  it('reads a UTC start with the Windows originalStartTimeZone as that IANA zone', () => {
    const event = graphToProviderEvent(
      graphEventSchema.parse({
        ...base,
        start: { dateTime: '2030-01-07T08:00:00.0000000', timeZone: 'UTC' },
        end: { dateTime: '2030-01-07T09:00:00.0000000', timeZone: 'UTC' },
        originalStartTimeZone: 'W. Europe Standard Time',
        originalEndTimeZone: 'W. Europe Standard Time',
      }),
      'cal',
    );
    expect(event.start).toEqual({ kind: 'dateTime', dateTime: '2030-01-07T08:00:00.000Z', timeZone: 'Europe/Berlin' });
  });

  it('keeps an all-day event on its dates whatever zone it is shown in', () => {
    const event = graphToProviderEvent(
      graphEventSchema.parse({
        ...base,
        isAllDay: true,
        start: { dateTime: '2030-03-10T00:00:00.0000000', timeZone: 'Tokyo Standard Time' },
        end: { dateTime: '2030-03-12T00:00:00.0000000', timeZone: 'Tokyo Standard Time' },
      }),
      'cal',
    );
    expect(event.start).toEqual({ kind: 'date', date: '2030-03-10' });
    expect(event.end).toEqual({ kind: 'date', date: '2030-03-12' });
  });

  it('maps a series master recurrence and an exception originalStart', () => {
    const master = graphToProviderEvent(
      graphEventSchema.parse({
        ...base,
        type: 'seriesMaster',
        start: { dateTime: '2030-01-07T17:00:00.0000000', timeZone: 'UTC' },
        end: { dateTime: '2030-01-07T18:00:00.0000000', timeZone: 'UTC' },
        originalStartTimeZone: 'Pacific Standard Time',
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
          range: { type: 'numbered', startDate: '2030-01-07', numberOfOccurrences: 4, recurrenceTimeZone: 'Pacific Standard Time' },
        },
      }),
      'cal',
    );
    expect(master.recurrence).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=MO;WKST=SU;COUNT=4']);
    const exception = graphToProviderEvent(
      graphEventSchema.parse({
        ...base,
        id: 'AAMkAD1_exc',
        type: 'exception',
        seriesMasterId: 'AAMkAD1',
        originalStart: '2030-01-14T17:00:00Z',
        start: { dateTime: '2030-01-14T19:00:00.0000000', timeZone: 'UTC' },
        end: { dateTime: '2030-01-14T20:00:00.0000000', timeZone: 'UTC' },
        originalStartTimeZone: 'Pacific Standard Time',
      }),
      'cal',
    );
    expect(exception).toMatchObject({
      kind: 'exception',
      seriesMasterId: 'AAMkAD1',
      originalStart: { kind: 'dateTime', dateTime: '2030-01-14T17:00:00.000Z', timeZone: 'America/Los_Angeles' },
    });
  });
});

describe('transactionIdFor', () => {
  it('passes short plain keys through and hashes the rest deterministically', () => {
    expect(transactionIdFor('crm-activity-42')).toBe('crm-activity-42');
    const long = `activity/${'x'.repeat(200)}`;
    expect(transactionIdFor(long)).toBe(transactionIdFor(long));
    expect(transactionIdFor(long)).toMatch(/^sha256-[A-Za-z0-9_-]{43}$/);
    expect(transactionIdFor(long)).not.toBe(transactionIdFor(`${long}y`));
  });
});
