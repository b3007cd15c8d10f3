// "This and following": a series is split at one of its occurrences the way the providers do it
// themselves: the original series ends before that occurrence, and a new series with the same rule
// continues from it. COUNT is shared out between the two; EXDATE/RDATE values go to the side they fall
// on. The end of the first part is expressed as UNTIL at the end of the day of its last occurrence (in
// the series zone), which Graph's date-only `endDate` range can carry without losing or adding one. Pure.
import type { EventTime } from '../../domain/events';
import { instantOf as instantDate } from '../event-record';
import { wallTimeOf, zonedWallToUtc } from '../time/zoned-time';
import { expandSeries, parseDateValue } from './occurrences';

export interface SeriesToSplit {
  start: EventTime;
  recurrence: string[];
}

export type SeriesSplit =
  /** The first occurrence: "this and following" is the whole series. */
  | { kind: 'whole_series' }
  | { kind: 'not_an_occurrence' }
  /** More than one RRULE, or EXRULE: not something either provider writes; refused. */
  | { kind: 'unsupported' }
  /** A rule this service does not expand, or more occurrences before the split than one expansion may count. */
  | { kind: 'too_complex' }
  | {
      kind: 'split';
      /** Recurrence of the original series, which now ends before the split. */
      endedRecurrence: string[];
      /** Recurrence of the new series that starts at the split occurrence. */
      continuingRecurrence: string[];
      /** Start of the split occurrence (the new series' first start before any edit). */
      splitStart: EventTime;
    };

const ruleName = (line: string) => line.trim().split(/[;:]/, 1)[0]!.toUpperCase();
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const instantOf = (time: EventTime): number => instantDate(time).getTime();

function zoneOf(time: EventTime): string {
  return time.kind === 'dateTime' ? time.timeZone : 'UTC';
}

/** `RRULE:FREQ=WEEKLY;COUNT=5;BYDAY=TU` -> parts without COUNT and UNTIL, plus the COUNT if there was one. */
function ruleParts(line: string): { parts: string[]; count?: number } {
  const body = line.trim().slice(line.indexOf(':') + 1);
  let count: number | undefined;
  const parts = body.split(';').filter((part) => {
    const [key, value] = part.split('=');
    if (key?.toUpperCase() === 'COUNT') count = Number(value);
    return key?.toUpperCase() !== 'COUNT' && key?.toUpperCase() !== 'UNTIL';
  });
  return { parts, ...(count !== undefined ? { count } : {}) };
}

/** `20261207T225959Z` for an instant, `20261207` for an all-day series. */
function untilValue(ms: number, allDay: boolean): string {
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  return allDay ? date : `${date}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

/** EXDATE/RDATE values before the split stay with the ended series, the others go with the new one. */
function partitionDateLine(line: string, splitMs: number, zone: string): { before: string | null; after: string | null } {
  const colon = line.indexOf(':');
  const head = line.slice(0, colon);
  const lineZone = /TZID=([^;:]+)/.exec(head)?.[1] ?? zone;
  const before: string[] = [];
  const after: string[] = [];
  for (const value of line.slice(colon + 1).split(',')) {
    const at = parseDateValue(value, lineZone);
    if (!at) continue;
    (at.getTime() < splitMs ? before : after).push(value.trim());
  }
  return { before: before.length ? `${head}:${before.join(',')}` : null, after: after.length ? `${head}:${after.join(',')}` : null };
}

export function splitSeries(series: SeriesToSplit, occurrenceStart: EventTime, now: Date): SeriesSplit {
  const rules = series.recurrence.filter((line) => ruleName(line) === 'RRULE');
  if (rules.length !== 1 || series.recurrence.some((line) => ruleName(line) === 'EXRULE')) return { kind: 'unsupported' };
  const allDay = series.start.kind === 'date';
  if (allDay !== (occurrenceStart.kind === 'date')) return { kind: 'not_an_occurrence' };
  const zone = zoneOf(series.start);
  const firstMs = instantOf(series.start);
  const splitMs = instantOf(occurrenceStart);
  const definition = { start: new Date(firstMs), timeZone: zone };

  const at = occurrenceAt({ ...definition, lines: series.recurrence }, splitMs, now);
  if (at !== 'yes') return { kind: at === 'no' ? 'not_an_occurrence' : 'too_complex' };
  if (splitMs === firstMs) return { kind: 'whole_series' };

  // Occurrences of the rule alone (EXDATEs do not change what COUNT counts), before the split.
  const before = expandSeries({ ...definition, lines: rules }, { from: new Date(firstMs), until: new Date(splitMs - 1) }, { now });
  if (!before.complete) return { kind: 'too_complex' };
  const earlier = before.starts;
  if (earlier.length === 0) return { kind: 'whole_series' };
  const lastEarlierMs = earlier[earlier.length - 1]!.getTime();
  const lastWall = wallTimeOf(lastEarlierMs, zone);
  const endOfThatDay = zonedWallToUtc({ ...lastWall, hour: 23, minute: 59, second: 59 }, zone);
  const untilMs = allDay ? lastEarlierMs : Math.min(endOfThatDay, splitMs - 1000);

  const { parts, count } = ruleParts(rules[0]!);
  const originalUntil = rules[0]!.toUpperCase().match(/UNTIL=([0-9TZ]+)/)?.[1];
  const endedRule = `RRULE:${[...parts, `UNTIL=${untilValue(untilMs, allDay)}`].join(';')}`;
  const bound = count !== undefined ? [`COUNT=${count - earlier.length}`] : originalUntil ? [`UNTIL=${originalUntil}`] : [];
  const continuingRule = `RRULE:${[...parts, ...bound].join(';')}`;

  const endedRecurrence = [endedRule];
  const continuingRecurrence = [continuingRule];
  for (const line of series.recurrence) {
    const name = ruleName(line);
    if (name !== 'EXDATE' && name !== 'RDATE') continue;
    const { before, after } = partitionDateLine(line.trim(), splitMs, zone);
    if (before) endedRecurrence.push(before);
    if (after) continuingRecurrence.push(after);
  }
  return { kind: 'split', endedRecurrence, continuingRecurrence, splitStart: occurrenceStart };
}

/** Whether an occurrence starts at `ms`: 'unknown' when the rule cannot be expanded that far within the budget. */
function occurrenceAt(series: Parameters<typeof expandSeries>[0], ms: number, now: Date): 'yes' | 'no' | 'unknown' {
  const found = expandSeries(series, { from: new Date(ms), until: new Date(ms) }, { now, limit: 1 });
  if (found.starts.length === 1 && found.starts[0]!.getTime() === ms) return 'yes';
  return found.complete ? 'no' : 'unknown';
}

/**
 * Whether `at` is the start of one of the series' occurrences (after EXDATEs), for single-occurrence edits:
 * 'unknown' when the rule cannot be expanded there (unsupported parts, or past the work budget). An address
 * before the series, after its end or past the horizon is a 'no' found without expanding anything.
 */
export function occurrenceOf(series: SeriesToSplit, at: EventTime, now: Date): 'yes' | 'no' | 'unknown' {
  if ((series.start.kind === 'date') !== (at.kind === 'date')) return 'no';
  const definition = { start: new Date(instantOf(series.start)), timeZone: zoneOf(series.start), lines: series.recurrence };
  return occurrenceAt(definition, instantOf(at), now);
}

export function isOccurrenceOf(series: SeriesToSplit, at: EventTime, now: Date): boolean {
  return occurrenceOf(series, at, now) === 'yes';
}
