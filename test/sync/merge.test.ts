// Unit tests of the pure merge logic: three-way per-field merge, last-write-wins, whole-event decisions
// and recurrence line sets.
import fc from 'fast-check';
import {
  changedFields,
  patchBetween,
  versionFromRow,
  versionsEqual,
  VERSION_FIELDS,
  type EventVersion,
} from '../../domain/merge/event-version';
import { mergeRecurrenceLines } from '../../domain/merge/recurrence-lines';
import { mergeThreeWay } from '../../domain/merge/three-way';

const at = (iso: string) => ({ kind: 'dateTime' as const, dateTime: iso, timeZone: 'Europe/Berlin' });
const base: EventVersion = {
  status: 'confirmed',
  title: 'Weekly',
  description: 'agenda',
  location: 'Room 1',
  start: at('2026-12-01T09:00:00.000Z'),
  end: at('2026-12-01T10:00:00.000Z'),
  recurrence: null,
};
const T0 = Date.parse('2026-11-30T00:00:00Z');

describe('three-way merge', () => {
  it('takes the only side that changed, without a conflict', () => {
    const remote = { ...base, title: 'Renamed' };
    const result = mergeThreeWay({ base, local: base, remote, localModifiedAt: T0 + 5, remoteModifiedAt: T0 });
    expect(result).toMatchObject({ conflict: false, resolution: 'remote', collisions: [] });
    expect(result.merged.title).toBe('Renamed');
  });

  it('combines disjoint changes field by field (a conflict, merged)', () => {
    const local = { ...base, location: 'Room 2' };
    const remote = { ...base, start: at('2026-12-01T11:00:00.000Z'), end: at('2026-12-01T12:00:00.000Z') };
    const result = mergeThreeWay({ base, local, remote, localModifiedAt: T0, remoteModifiedAt: T0 + 1 });
    expect(result).toMatchObject({ conflict: true, collisions: [], resolution: 'merged' });
    expect(result.merged.location).toBe('Room 2');
    expect(result.merged.start).toEqual(remote.start);
  });

  it('decides a colliding field by last write, keeping the other side’s other fields', () => {
    const local = { ...base, title: 'CRM title', location: 'Room 9' };
    const remote = { ...base, title: 'Calendar title', description: 'new agenda' };
    const localWins = mergeThreeWay({ base, local, remote, localModifiedAt: T0 + 10, remoteModifiedAt: T0 });
    expect(localWins).toMatchObject({ conflict: true, collisions: ['title'], decision: 'per_field', resolution: 'merged' });
    expect(localWins.merged).toMatchObject({ title: 'CRM title', location: 'Room 9', description: 'new agenda' });
    const remoteWins = mergeThreeWay({ base, local, remote, localModifiedAt: T0, remoteModifiedAt: T0 + 10 });
    expect(remoteWins.merged).toMatchObject({ title: 'Calendar title', location: 'Room 9', description: 'new agenda' });
  });

  it('gives a tie to the provider', () => {
    const result = mergeThreeWay({
      base,
      local: { ...base, title: 'A' },
      remote: { ...base, title: 'B' },
      localModifiedAt: T0,
      remoteModifiedAt: T0,
    });
    expect(result.merged.title).toBe('B');
    expect(result.resolution).toBe('remote');
  });

  it('treats the same change on both sides as no collision', () => {
    const result = mergeThreeWay({
      base,
      local: { ...base, title: 'Same' },
      remote: { ...base, title: 'Same' },
      localModifiedAt: T0,
      remoteModifiedAt: T0 + 1,
    });
    expect(result.collisions).toEqual([]);
    expect(result.merged.title).toBe('Same');
  });

  it('decides cancel-versus-edit for the whole event', () => {
    const local = { ...base, title: 'Edited' };
    const remote = { ...base, status: 'cancelled' as const };
    expect(mergeThreeWay({ base, local, remote, localModifiedAt: T0, remoteModifiedAt: T0 + 1 }).merged).toEqual(remote);
    const edited = mergeThreeWay({ base, local, remote, localModifiedAt: T0 + 1, remoteModifiedAt: T0 });
    expect(edited).toMatchObject({ decision: 'whole_event', resolution: 'local' });
    expect(edited.merged).toEqual(local);
  });

  it('decides a rule change against a move of the series for the whole event', () => {
    const series = { ...base, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10'] };
    const local = { ...series, recurrence: ['RRULE:FREQ=DAILY;COUNT=5'] };
    const remote = { ...series, title: 'x', start: at('2026-12-02T09:00:00.000Z'), end: at('2026-12-02T10:00:00.000Z') };
    const result = mergeThreeWay({ base: series, local, remote, localModifiedAt: T0 + 1, remoteModifiedAt: T0 });
    expect(result.decision).toBe('whole_event');
    expect(result.merged).toEqual(local);
  });

  it('merges occurrences cancelled on each side of a series (EXDATE sets)', () => {
    const series = { ...base, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10'] };
    const local = { ...series, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10', 'EXDATE:20261208T090000Z'] };
    const remote = { ...series, title: 'Renamed', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10', 'EXDATE:20261215T090000Z'] };
    const result = mergeThreeWay({ base: series, local, remote, localModifiedAt: T0, remoteModifiedAt: T0 + 1 });
    expect(result.collisions).toEqual([]);
    expect(result.merged.title).toBe('Renamed');
    expect(result.merged.recurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=10', 'EXDATE:20261208T090000Z', 'EXDATE:20261215T090000Z']);
  });

  // Properties over random edits of both sides.
  const text = fc.constantFrom<string | null>(null, 'a', 'b', 'c');
  const hour = fc.integer({ min: 0, max: 3 });
  const version = fc
    .record({
      status: fc.constantFrom<'confirmed' | 'tentative' | 'cancelled'>('confirmed', 'tentative', 'cancelled'),
      title: text,
      description: text,
      location: text,
      hour,
      exdates: fc.subarray(['EXDATE:20261208T090000Z', 'EXDATE:20261215T090000Z', 'EXDATE:20261222T090000Z']),
    })
    .map(({ hour: h, exdates, ...rest }): EventVersion => ({
      ...rest,
      start: at(`2026-12-01T0${h}:00:00.000Z`),
      end: at(`2026-12-01T0${h + 1}:00:00.000Z`),
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10', ...exdates],
    }));
  const times = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }));

  it('property: every merged field comes from one side or is the set union; the newer side’s collisions win', () => {
    fc.assert(
      fc.property(version, version, version, times, (b, l, r, [lt, rt]) => {
        const result = mergeThreeWay({ base: b, local: l, remote: r, localModifiedAt: lt, remoteModifiedAt: rt });
        const own = (mine: EventVersion) => changedFields(b, mine).filter((field) => changedFields(l, r).includes(field));
        expect(result.conflict).toBe(own(l).length > 0 && own(r).length > 0);
        for (const field of VERSION_FIELDS) {
          if (field === 'recurrence') continue;
          const fromLocal = changedFields(result.merged, l).includes(field) === false;
          const fromRemote = changedFields(result.merged, r).includes(field) === false;
          expect(fromLocal || fromRemote).toBe(true);
          if (result.collisions.includes(field) && result.decision === 'per_field') expect(lt > rt ? fromLocal : fromRemote).toBe(true);
        }
        // A side that changed nothing gets the other side, exactly.
        if (changedFields(b, l).length === 0) expect(versionsEqual(result.merged, r)).toBe(true);
        if (changedFields(b, r).length === 0) expect(versionsEqual(result.merged, l)).toBe(true);
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('property: merging is symmetric when the modification times are swapped with the sides', () => {
    fc.assert(
      fc.property(version, version, version, times, (b, l, r, [lt, rt]) => {
        fc.pre(lt !== rt);
        const one = mergeThreeWay({ base: b, local: l, remote: r, localModifiedAt: lt, remoteModifiedAt: rt });
        const other = mergeThreeWay({ base: b, local: r, remote: l, localModifiedAt: rt, remoteModifiedAt: lt });
        expect(versionsEqual(one.merged, other.merged)).toBe(true);
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});

describe('recurrence lines', () => {
  it('flags a rule changed differently on both sides', () => {
    expect(mergeRecurrenceLines(['RRULE:FREQ=DAILY'], ['RRULE:FREQ=WEEKLY'], ['RRULE:FREQ=MONTHLY']).ruleCollision).toBe(true);
  });
  it('keeps a restored occurrence restored and splits multi-value EXDATE lines', () => {
    const merged = mergeRecurrenceLines(
      ['RRULE:FREQ=DAILY', 'EXDATE;TZID=Europe/Berlin:20261201T100000,20261202T100000'],
      ['RRULE:FREQ=DAILY', 'EXDATE;TZID=Europe/Berlin:20261201T100000'],
      ['RRULE:FREQ=DAILY;COUNT=9', 'EXDATE;TZID=Europe/Berlin:20261201T100000,20261202T100000'],
    );
    expect(merged).toEqual({ lines: ['RRULE:FREQ=DAILY;COUNT=9', 'EXDATE;TZID=Europe/Berlin:20261201T100000'], ruleCollision: false });
  });
});

describe('event version', () => {
  it('reads an all-day row as dates and builds a minimal patch', () => {
    const row = {
      status: 'confirmed',
      title: 'Off',
      description: '',
      location: null,
      startAt: new Date('2026-12-24T00:00:00Z'),
      endAt: new Date('2026-12-26T00:00:00Z'),
      allDay: true,
      startDate: '2026-12-24',
      endDate: '2026-12-26',
      timeZone: null,
      recurrence: null,
    };
    const version = versionFromRow(row);
    expect(version.start).toEqual({ kind: 'date', date: '2026-12-24' });
    expect(version.description).toBeNull();
    expect(patchBetween(version, { ...version, title: 'Holiday' })).toEqual({ title: 'Holiday' });
  });
});
