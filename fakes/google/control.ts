// The fake's side door: seeding and provider-side edits shared by the in-process control methods and the
// `/__fake/...` HTTP routes (used by the sandbox seed command and benchmarks in another process).

import { randomBytes } from 'node:crypto';

import type { FakeEventSeed, SeedTime } from '../types';
import type { EventsApi } from './events-api';
import { applySeedFields, fromGoogleTime, seedToResources } from './seed';
import type { Calendar, GoogleStore } from './store';

export class ControlError extends Error {}

export class GoogleControl {
  constructor(
    private readonly store: GoogleStore,
    private readonly events: EventsApi,
  ) {}

  private calendar(email: string, calendarId?: string): Calendar {
    const account = this.store.ensureAccount(email);
    const calendar = this.store.findCalendar(calendarId ?? account.email, account);
    if (!calendar || calendar.ownerEmail !== account.email) throw new ControlError(`unknown calendar for account`);
    return calendar;
  }

  ensureAccount(email: string): string {
    return this.store.ensureAccount(email).email;
  }

  addCalendar(email: string, input: { name: string; timeZone?: string; readOnly?: boolean }): string {
    const account = this.store.ensureAccount(email);
    // Google's ids of secondary calendars look like this.
    const id = `${randomBytes(13).toString('hex')}@group.calendar.google.com`;
    this.store.addCalendar(account, {
      id,
      summary: input.name,
      timeZone: input.timeZone ?? 'UTC',
      primary: false,
      ...(input.readOnly ? { accessRole: 'reader' as const } : {}),
    });
    return id;
  }

  listEvents(email: string, calendarId?: string): Array<{ id: string; title?: string; status: string; start: SeedTime; end: SeedTime }> {
    const calendar = this.calendar(email, calendarId);
    return [...calendar.events.values()].map(({ resource }) => ({
      id: resource.id,
      ...(resource.summary !== undefined ? { title: resource.summary } : {}),
      status: resource.status,
      start: fromGoogleTime(resource.start, calendar.timeZone),
      end: fromGoogleTime(resource.end, calendar.timeZone),
    }));
  }

  seedEvents(email: string, seeds: FakeEventSeed[], calendarId?: string): string[] {
    const calendar = this.calendar(email, calendarId);
    const now = new Date().toISOString();
    const ids: string[] = [];
    seeds.forEach((seed, index) => {
      const resources = seedToResources(seed, calendar.ownerEmail, calendar.id, now);
      if (calendar.events.has(resources[0]!.id)) throw new ControlError(`event id already exists`);
      resources.forEach((resource, i) => {
        // One notification per batch: only the very last write notifies watchers.
        const last = index === seeds.length - 1 && i === resources.length - 1;
        this.store.write(calendar, resource, last);
      });
      ids.push(resources[0]!.id);
    });
    return ids;
  }

  updateEvent(email: string, eventId: string, patch: Partial<FakeEventSeed>, calendarId?: string): void {
    const calendar = this.calendar(email, calendarId);
    const found = this.events.resolve(calendar, eventId);
    if (!found) throw new ControlError('unknown event');
    const next = structuredClone(found.event.resource);
    applySeedFields(next, patch);
    next.updated = new Date().toISOString();
    this.store.write(calendar, next);
  }

  deleteEvent(email: string, eventId: string, calendarId?: string): void {
    const calendar = this.calendar(email, calendarId);
    const found = this.events.resolve(calendar, eventId);
    if (!found) throw new ControlError('unknown event');
    if (found.event.resource.status !== 'cancelled') this.events.cancel(calendar, found.event.resource);
  }

  expireSyncCursors(email?: string): void {
    const accounts = email === undefined ? this.store.allAccounts() : [this.store.ensureAccount(email)];
    for (const account of accounts) account.cursorEpoch += 1;
  }
}
