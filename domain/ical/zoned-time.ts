// An instant shown as wall-clock time in an IANA zone, in the small date-object shape ical-generator
// accepts (its "Day.js" stub). ical-generator formats a plain Date in the PROCESS's local zone when an
// event has a TZID, so timed events pass through this instead: conversion goes through Intl only.
import type { ICalDayJsStub } from 'ical-generator';
import { isValidTimeZone, wallTimeOf } from '../time/zoned-time';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** Wall-clock fields of `instant` in `zone` (yyyyMMdd and HHmmss, zero-padded). */
export function wallClock(instant: Date, zone: string): { date: string; time: string } {
  const wall = wallTimeOf(instant.getTime(), zone);
  return {
    date: `${pad(wall.year, 4)}${pad(wall.month)}${pad(wall.day)}`,
    time: `${pad(wall.hour)}${pad(wall.minute)}${pad(wall.second)}`,
  };
}

/** True when Intl knows the zone (unknown zones must not reach a TZID parameter). */
export const isKnownZone = isValidTimeZone;

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
