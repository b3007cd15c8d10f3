// Mailboxes, calendars and events of the Graph fake, with the rules Exchange applies on writes: new changeKey
// on every edit, occurrences becoming exceptions when edited, deleted occurrences leaving a hidden tombstone,
// transactionId de-duplication. Every write is reported to the change listeners (subscriptions).
import type { EventWrite } from './event-json';
import { expandOccurrences } from './expand-window';
import { GraphHttpError, badRequest, notFound } from './graph-errors';
import { newCalendarId, newChangeKey, newEventId, newGuid, newICalUid } from './ids';
import { materializeOccurrence, occurrenceDateOf } from './expand';
import type { Account, StoredCalendar, StoredEvent } from './model';

export type ChangeType = 'created' | 'updated' | 'deleted';
export type ChangeListener = (account: Account, calendarId: string, eventId: string, changeType: ChangeType) => void;

const nowIso = () => new Date().toISOString().replace('Z', '0000Z');

export class MicrosoftStore {
  private readonly accounts = new Map<string, Account>();
  private readonly listeners: ChangeListener[] = [];

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  private emit(account: Account, calendarId: string, eventId: string, type: ChangeType): void {
    for (const l of this.listeners) l(account, calendarId, eventId, type);
  }

  ensureAccount(email: string): Account {
    const key = email.toLowerCase();
    let account = this.accounts.get(key);
    if (!account) {
      const calendar: StoredCalendar = {
        id: newCalendarId(),
        name: 'Calendar',
        isDefault: true,
        canEdit: true,
        events: new Map(),
        exceptions: new Map(),
        byTransactionId: new Map(),
      };
      const local = key.split('@')[0] ?? key;
      account = {
        id: newGuid(),
        email: key,
        displayName: local.replace(/[._-]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()),
        calendars: new Map([[calendar.id, calendar]]),
        defaultCalendarId: calendar.id,
        syncGeneration: 0,
      };
      this.accounts.set(key, account);
    }
    return account;
  }

  getAccount(email: string): Account | undefined {
    return this.accounts.get(email.toLowerCase());
  }

  allAccounts(): Account[] {
    return [...this.accounts.values()];
  }

  /** `calendarId` undefined or 'primary' -> the default calendar. */
  calendar(account: Account, calendarId?: string): StoredCalendar {
    const id = !calendarId || calendarId === 'primary' ? account.defaultCalendarId : calendarId;
    const calendar = account.calendars.get(id);
    if (!calendar) throw notFound();
    return calendar;
  }

  /** An event by id (single, master, exception or computed occurrence), searching all calendars unless given. */
  findEvent(account: Account, id: string, calendarId?: string): { calendar: StoredCalendar; event: StoredEvent } | undefined {
    const calendars = calendarId ? [this.calendar(account, calendarId)] : [...account.calendars.values()];
    for (const calendar of calendars) {
      const direct = calendar.events.get(id);
      if (direct) return { calendar, event: direct };
      const exception = calendar.exceptions.get(id);
      if (exception) return exception.isCancelled ? undefined : { calendar, event: exception };
      const occ = occurrenceDateOf(id);
      const master = occ && calendar.events.get(occ.masterId);
      if (occ && master?.recurrence) {
        const occurrence = materializeOccurrence(master, occ.date);
        const valid = expandOccurrences(master, occurrence.start.ms, occurrence.start.ms + 1).some((o) => o.id === id);
        if (valid) return { calendar, event: occurrence };
      }
    }
    return undefined;
  }

  /** What a calendar view shows in [startMs, endMs): single instances, occurrences and exceptions. */
  viewItems(account: Account, calendarId: string | undefined, startMs: number, endMs: number): StoredEvent[] {
    const calendar = this.calendar(account, calendarId);
    const out: StoredEvent[] = [];
    for (const event of calendar.events.values()) {
      if (event.type === 'seriesMaster') out.push(...untouchedOccurrences(calendar, event, startMs, endMs));
      else if (overlaps(event, startMs, endMs)) out.push(event);
    }
    for (const exception of calendar.exceptions.values()) {
      if (!exception.isCancelled && overlaps(exception, startMs, endMs)) out.push(exception);
    }
    return out.sort(byStart);
  }

  /**
   * What `GET .../events/{masterId}/instances` lists for [startMs, endMs): the series' occurrences and
   * exceptions as a calendar view shows them (cancelled occurrences left out).
   */
  seriesInstances(calendar: StoredCalendar, master: StoredEvent, startMs: number, endMs: number): StoredEvent[] {
    const out = untouchedOccurrences(calendar, master, startMs, endMs);
    for (const exception of calendar.exceptions.values()) {
      if (exception.seriesMasterId === master.id && !exception.isCancelled && overlaps(exception, startMs, endMs)) out.push(exception);
    }
    return out.sort(byStart);
  }

  createEvent(account: Account, calendar: StoredCalendar, write: EventWrite): { event: StoredEvent; duplicate: boolean } {
    if (write.transactionId) {
      const existingId = calendar.byTransactionId.get(write.transactionId);
      const existing = existingId ? calendar.events.get(existingId) : undefined;
      if (existing) return { event: existing, duplicate: true };
    }
    if (!write.start || !write.end) throw badRequest("Your request can't be completed. The event must have a start and an end.");
    const now = nowIso();
    const event: StoredEvent = {
      id: newEventId(),
      calendarId: calendar.id,
      iCalUId: newICalUid(),
      changeKey: newChangeKey(),
      createdDateTime: now,
      lastModifiedDateTime: now,
      subject: write.subject ?? '',
      body: write.body ?? '',
      location: write.location ?? '',
      start: write.start,
      end: write.end,
      isAllDay: write.isAllDay ?? false,
      showAs: write.showAs ?? 'busy',
      type: write.recurrence ? 'seriesMaster' : 'singleInstance',
      recurrence: write.recurrence ?? null,
      seriesMasterId: null,
      originalStartMs: null,
      isCancelled: false,
      organizer: { address: account.email, name: account.displayName },
      attendees: write.attendees ?? [],
      transactionId: write.transactionId ?? null,
    };
    validate(event);
    calendar.events.set(event.id, event);
    if (event.transactionId) calendar.byTransactionId.set(event.transactionId, event.id);
    this.emit(account, calendar.id, event.id, 'created');
    return { event, duplicate: false };
  }

  updateEvent(account: Account, id: string, write: EventWrite, options: { calendarId?: string; ifMatch?: string } = {}): StoredEvent {
    const found = this.findEvent(account, id, options.calendarId);
    if (!found) throw notFound();
    const { calendar, event } = found;
    checkIfMatch(event, options.ifMatch);
    if (event.type === 'occurrence' && write.recurrence) throw badRequest('An occurrence cannot get its own recurrence.');
    const { transactionId: _ignored, ...changes } = write;
    const updated: StoredEvent = {
      ...event,
      ...stripUndefined(changes),
      type: event.type === 'occurrence' ? 'exception' : event.type,
      changeKey: newChangeKey(),
      lastModifiedDateTime: nowIso(),
    };
    if (event.type === 'singleInstance' && write.recurrence) updated.type = 'seriesMaster';
    if (event.type === 'seriesMaster' && write.recurrence === null) updated.type = 'singleInstance';
    validate(updated);
    if (updated.type === 'exception') {
      calendar.exceptions.set(updated.id, updated);
    } else {
      calendar.events.set(updated.id, updated);
      // A new pattern or time for the whole series discards its exceptions, as Outlook does.
      if (event.type === 'seriesMaster' && (write.recurrence !== undefined || write.start || write.end)) {
        this.dropExceptions(calendar, event.id);
      }
    }
    this.emit(account, calendar.id, updated.id, 'updated');
    return updated;
  }

  deleteEvent(account: Account, id: string, options: { calendarId?: string; ifMatch?: string } = {}): void {
    const found = this.findEvent(account, id, options.calendarId);
    if (!found) throw notFound();
    const { calendar, event } = found;
    checkIfMatch(event, options.ifMatch);
    if (event.type === 'occurrence' || event.type === 'exception') {
      calendar.exceptions.set(event.id, {
        ...event,
        type: 'exception',
        isCancelled: true,
        changeKey: newChangeKey(),
        lastModifiedDateTime: nowIso(),
      });
    } else {
      calendar.events.delete(event.id);
      if (event.transactionId) calendar.byTransactionId.delete(event.transactionId);
      this.dropExceptions(calendar, event.id);
    }
    this.emit(account, calendar.id, event.id, 'deleted');
  }

  private dropExceptions(calendar: StoredCalendar, masterId: string): void {
    for (const [id, e] of calendar.exceptions) if (e.seriesMasterId === masterId) calendar.exceptions.delete(id);
  }
}

const overlaps = (e: StoredEvent, startMs: number, endMs: number) => e.end.ms > startMs && e.start.ms < endMs;
const byStart = (a: StoredEvent, b: StoredEvent) => a.start.ms - b.start.ms || a.id.localeCompare(b.id);

/** Occurrences of a series overlapping the window that no exception (edited or cancelled) replaces. */
function untouchedOccurrences(calendar: StoredCalendar, master: StoredEvent, startMs: number, endMs: number): StoredEvent[] {
  return expandOccurrences(master, startMs, endMs).filter((occ) => !calendar.exceptions.has(occ.id) && overlaps(occ, startMs, endMs));
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** If-Match takes the `@odata.etag` (W/"changeKey") or the bare changeKey. */
function checkIfMatch(event: StoredEvent, ifMatch: string | undefined): void {
  if (!ifMatch || ifMatch === '*') return;
  const given = ifMatch.replace(/^W\//, '').replace(/^"|"$/g, '');
  if (given !== event.changeKey) {
    throw new GraphHttpError(
      412,
      'ErrorIrresolvableConflict',
      'The send or update operation could not be performed because the change key passed in the request ' +
        'does not match the current change key for the item.',
    );
  }
}

function validate(event: StoredEvent): void {
  if (event.end.ms < event.start.ms) throw badRequest('The end time must be after the start time.', 'ErrorInvalidRequest');
  if (event.isAllDay) {
    const midnight = (w: string) => /T00:00:00(\.0+)?$/.test(w);
    if (!midnight(event.start.wall) || !midnight(event.end.wall) || event.end.ms <= event.start.ms) {
      throw badRequest(
        'Start and End dates of an all-day event must be at midnight and span at least one day.',
        'ErrorPropertyValidationFailure',
      );
    }
  }
}
