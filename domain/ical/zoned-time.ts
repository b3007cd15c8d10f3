// An instant shown as wall-clock time in an IANA zone, in the small date-object shape ical-generator
// accepts (its "Day.js" stub). ical-generator formats a plain Date in the PROCESS's local zone when an
// event has a TZID, so timed events pass through this instead: conversion goes through Intl only.
import type { ICalDayJsStub } from 'ical-generator';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Wall-clock fields of `instant` in `zone` (yyyy, MM, dd, HH, mm, ss as zero-padded strings). */
export function wallClock(instant: Date, zone: string): { date: string; time: string } {
  const parts = Object.fromEntries(formatterFor(zone).formatToParts(instant).map((part) => [part.type, part.value]));
  return { date: `${parts.year}${parts.month}${parts.day}`, time: `${parts.hour}${parts.minute}${parts.second}` };
}

/** True when Intl knows the zone (unknown zones must not reach a TZID parameter). */
export function isKnownZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

export class ZonedTime implements ICalDayJsStub {
  constructor(
    private readonly instant: Date,
    private readonly zone: string,
  ) {}

  /** Only the two patterns ical-generator asks for. */
  format(pattern?: string): string {
    const { date, time } = wallClock(this.instant, this.zone);
    if (pattern === 'YYYYMMDD') return date;
    if (pattern === 'HHmmss') return time;
    return this.instant.toISOString();
  }

  isValid(): boolean {
    return !Number.isNaN(this.instant.getTime());
  }

  toDate(): Date {
    return new Date(this.instant);
  }

  toJSON(): string {
    return this.instant.toISOString();
  }

  tz(zone?: string): ZonedTime {
    return new ZonedTime(this.instant, zone ?? this.zone);
  }

  utc(): ZonedTime {
    return new ZonedTime(this.instant, 'UTC');
  }
}
