// Accounts, calendars and events of the Google fake, with a per-calendar change log ordered by a global
// sequence number. Listings walk the log from a position found by binary search, so a page costs
// O(page size + superseded entries skipped), never O(calendar size).

import { createHash, randomBytes } from 'node:crypto';

import { etagFor, type GoogleEventResource, type StoredEvent } from './resource';

export interface Calendar {
  id: string;
  ownerEmail: string;
  summary: string;
  timeZone: string;
  primary: boolean;
  /** calendarList accessRole (default owner); a `reader` calendar is listed as read-only. */
  accessRole?: 'owner' | 'reader';
  /** Stable id of the calendar's events collection, as push channels report it. */
  resourceId: string;
  events: Map<string, StoredEvent>;
  /** Change log ordered by seq; entries whose seq differs from the event's current seq are superseded. */
  log: Array<{ seq: number; id: string }>;
  superseded: number;
}

export interface Account {
  email: string;
  /**
   * The account's OpenID subject: Google's stable identifier, "unique among all Google accounts and never
   * reused" (OpenID Connect docs), unlike the address, which a new account can take over.
   */
  sub: string;
  calendars: Map<string, Calendar>;
  /** Sync tokens carry the epoch they were issued in; bumping it invalidates them all. */
  cursorEpoch: number;
}

export type ChangeListener = (calendar: Calendar, event: StoredEvent) => void;

/** The store as plain JSON, for the sandbox state file. */
export interface GoogleStoreState {
  seq: number;
  accounts: Array<{
    email: string;
    /** Absent in state files written before subjects were kept: one is derived from the address then. */
    sub?: string;
    cursorEpoch: number;
    calendars: Array<Omit<Calendar, 'events'> & { events: StoredEvent[] }>;
  }>;
}

export interface LogPage {
  events: StoredEvent[];
  /** Seq of the last log entry examined (the resume point), or undefined when the log was exhausted. */
  resumeAfter: number | undefined;
}

export class GoogleStore {
  private readonly accounts = new Map<string, Account>();
  private readonly calendarsById = new Map<string, Calendar>();
  private seq = 0;
  private readonly listeners: ChangeListener[] = [];

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  currentSeq(): number {
    return this.seq;
  }

  exportState(): GoogleStoreState {
    return {
      seq: this.seq,
      accounts: [...this.accounts.values()].map((account) => ({
        email: account.email,
        sub: account.sub,
        cursorEpoch: account.cursorEpoch,
        calendars: [...account.calendars.values()].map((calendar) => ({ ...calendar, events: [...calendar.events.values()] })),
      })),
    };
  }

  /** Replaces everything with a saved state (sequence numbers go on where they stopped, so sync tokens stay valid). */
  importState(state: GoogleStoreState): void {
    this.accounts.clear();
    this.calendarsById.clear();
    this.seq = state.seq;
    for (const saved of state.accounts) {
      const account: Account = {
        email: saved.email,
        sub: saved.sub ?? legacySubject(saved.email),
        calendars: new Map(),
        cursorEpoch: saved.cursorEpoch,
      };
      for (const { events, ...fields } of saved.calendars) {
        const calendar: Calendar = { ...fields, events: new Map(events.map((event) => [event.resource.id, event])) };
        account.calendars.set(calendar.id, calendar);
        this.calendarsById.set(calendar.id, calendar);
      }
      this.accounts.set(account.email, account);
    }
  }

  ensureAccount(email: string): Account {
    const key = email.toLowerCase();
    let account = this.accounts.get(key);
    if (!account) {
      account = { email: key, sub: newSubject(), calendars: new Map(), cursorEpoch: 0 };
      this.accounts.set(key, account);
      // Google's primary calendar id is the account's email address.
      this.addCalendar(account, { id: key, summary: key, timeZone: 'UTC', primary: true });
    }
    return account;
  }

  /**
   * The address's account is deleted and a new one made with the same address (Google lets an address be
   * reused, e.g. after a Workspace user is deleted and recreated): a new subject, empty calendars.
   */
  recreateAccount(email: string): Account {
    const old = this.accounts.get(email.toLowerCase());
    if (old) {
      for (const id of old.calendars.keys()) this.calendarsById.delete(id);
      this.accounts.delete(old.email);
    }
    return this.ensureAccount(email);
  }

  findAccount(email: string): Account | undefined {
    return this.accounts.get(email.toLowerCase());
  }

  allAccounts(): Account[] {
    return [...this.accounts.values()];
  }

  addCalendar(
    account: Account,
    input: { id: string; summary: string; timeZone: string; primary: boolean; accessRole?: 'owner' | 'reader' },
  ): Calendar {
    const calendar: Calendar = {
      ...input,
      ownerEmail: account.email,
      resourceId: randomBytes(14).toString('base64url'),
      events: new Map(),
      log: [],
      superseded: 0,
    };
    account.calendars.set(calendar.id, calendar);
    this.calendarsById.set(calendar.id, calendar);
    return calendar;
  }

  /** The calendar is deleted (or no longer shared): every request for it answers 404 notFound. */
  removeCalendar(account: Account, calendarId: string): boolean {
    const calendar = account.calendars.get(calendarId);
    if (!calendar || calendar.primary) return false;
    account.calendars.delete(calendarId);
    this.calendarsById.delete(calendarId);
    return true;
  }

  /** A calendar by id (`primary` resolves to the account's primary calendar when `account` is given). */
  findCalendar(calendarId: string, account?: Account): Calendar | undefined {
    if (account && calendarId === 'primary') return account.calendars.get(account.email);
    return this.calendarsById.get(calendarId.toLowerCase()) ?? this.calendarsById.get(calendarId);
  }

  /** Writes a new version of an event (insert, update, delete-as-cancel): new seq, new etag, log entry. */
  write(calendar: Calendar, resource: GoogleEventResource, notify = true): StoredEvent {
    this.seq += 1;
    const previous = calendar.events.get(resource.id);
    if (previous) calendar.superseded += 1;
    const stored: StoredEvent = { resource, calendarId: calendar.id, seq: this.seq, etag: etagFor(this.seq) };
    calendar.events.set(resource.id, stored);
    calendar.log.push({ seq: this.seq, id: resource.id });
    if (calendar.superseded > 1000 && calendar.superseded > calendar.events.size) this.compact(calendar);
    if (notify) for (const listener of this.listeners) listener(calendar, stored);
    return stored;
  }

  private compact(calendar: Calendar): void {
    calendar.log = [...calendar.events.values()].map((event) => ({ seq: event.seq, id: event.resource.id })).sort((a, b) => a.seq - b.seq);
    calendar.superseded = 0;
  }

  /**
   * Walks the change log after `afterSeq`, returning up to `max` current events accepted by `include`.
   * Examines at most `max * 4 + 100` entries so a page stays cheap even behind long runs of skipped ones
   * (Google too may return short or empty pages with a nextPageToken).
   */
  readLog(calendar: Calendar, afterSeq: number, max: number, include: (event: StoredEvent) => boolean): LogPage {
    const log = calendar.log;
    let lo = 0;
    let hi = log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (log[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    const events: StoredEvent[] = [];
    const budget = max * 4 + 100;
    let examined = 0;
    for (let i = lo; i < log.length; i += 1) {
      const entry = log[i]!;
      examined += 1;
      const event = calendar.events.get(entry.id);
      if (event && event.seq === entry.seq && include(event)) events.push(event);
      if (events.length >= max || examined >= budget) {
        return { events, resumeAfter: i === log.length - 1 ? undefined : entry.seq };
      }
    }
    return { events, resumeAfter: undefined };
  }
}

/** A fresh subject: Google's are decimal strings of about 21 digits. */
function newSubject(): string {
  return `1${Array.from(randomBytes(20), (byte) => String(byte % 10)).join('')}`;
}

/** The subject an account saved without one gets: derived from its address, so it stays the same across restarts. */
function legacySubject(email: string): string {
  return `1${Array.from(createHash('sha256').update(email).digest().subarray(0, 20), (byte) => String(byte % 10)).join('')}`;
}
