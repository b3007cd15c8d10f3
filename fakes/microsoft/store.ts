// Mailboxes, calendars and events of the Graph fake, with the rules Exchange applies on writes: a new changeKey
// on every edit, occurrences becoming exceptions when edited, deleted occurrences gone from every view,
// transactionId de-duplication. Every write is reported to the change listeners (subscriptions, persistence).
import type { GraphEvent } from './event-resource';
import type { EventWrite } from './event-writes';
import { GraphHttpError, badRequest, notFound } from './graph-errors';
import { newCalendarId, newGuid, parseOccurrenceId } from './ids';
import type { Account, StoredCalendar, StoredEvent } from './model';
import { isOccurrenceDate, materializeOccurrence, occurrencesOverlapping } from './occurrences';
import { applyWrite, newEventJson, stored, validate } from './stored-events';

export type ChangeType = 'created' | 'updated' | 'deleted';
export type ChangeListener = (account: Account, calendarId: string, eventId: string, changeType: ChangeType) => void;

/** The mailboxes as plain JSON (events as their Graph JSON), for the sandbox state file. */
export type MicrosoftStoreState = Array<
  Omit<Account, 'calendars'> & {
    calendars: Array<{
      id: string;
      name: string;
      isDefault: boolean;
      canEdit: boolean;
      accessDenied?: boolean;
      events: GraphEvent[];
      exceptions: GraphEvent[];
      deletedOccurrences: string[];
      byTransactionId: Array<[transactionId: string, eventId: string]>;
      /** Absent in older state files. */
      changedAt?: Array<[eventId: string, seq: number]>;
    }>;
  }
>;

export function newCalendar(input: {
  id?: string;
  name: string;
  isDefault: boolean;
  canEdit: boolean;
  accessDenied?: boolean;
}): StoredCalendar {
  return {
    id: input.id ?? newCalendarId(),
    name: input.name,
    isDefault: input.isDefault,
    canEdit: input.canEdit,
    ...(input.accessDenied ? { accessDenied: true } : {}),
    changedAt: new Map(),
    events: new Map(),
    exceptions: new Map(),
    deletedOccurrences: new Set(),
    byTransactionId: new Map(),
  };
}

export class MicrosoftStore {
  private readonly accounts = new Map<string, Account>();
  private readonly listeners: ChangeListener[] = [];
  /** Orders every change, so a delta round knows what changed since the one before (in or out of its window). */
  private seq = 0;

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  currentSeq(): number {
    return this.seq;
  }

  private emit(account: Account, calendarId: string, eventId: string, type: ChangeType): void {
    this.seq += 1;
    account.calendars.get(calendarId)?.changedAt.set(eventId, this.seq);
    for (const l of this.listeners) l(account, calendarId, eventId, type);
  }

  ensureAccount(email: string): Account {
    const key = email.toLowerCase();
    let account = this.accounts.get(key);
    if (!account) {
      const calendar = newCalendar({ name: 'Calendar', isDefault: true, canEdit: true });
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

  /** The mailbox is deleted and a new one made with the same address: a new object id, an empty calendar. */
  recreateAccount(email: string): Account {
    this.accounts.delete(email.toLowerCase());
    return this.ensureAccount(email);
  }

  exportState(): MicrosoftStoreState {
    return this.allAccounts().map(({ calendars, ...account }) => ({
      ...account,
      calendars: [...calendars.values()].map((c) => ({
        id: c.id,
        name: c.name,
        isDefault: c.isDefault,
        canEdit: c.canEdit,
        ...(c.accessDenied ? { accessDenied: true } : {}),
        events: [...c.events.values()].map((e) => e.json),
        exceptions: [...c.exceptions.values()].map((e) => e.json),
        deletedOccurrences: [...c.deletedOccurrences],
        byTransactionId: [...c.byTransactionId],
        changedAt: [...c.changedAt],
      })),
    }));
  }

  /** Replaces every mailbox with a saved state; instants are derived from the JSON again. */
  importState(state: MicrosoftStoreState): void {
    this.accounts.clear();
    for (const { calendars, ...fields } of state) {
      const account: Account = { ...fields, calendars: new Map() };
      for (const saved of calendars) {
        const calendar = newCalendar(saved);
        for (const json of saved.events) calendar.events.set(json.id, stored(json, calendar.id));
        for (const json of saved.exceptions) calendar.exceptions.set(json.id, stored(json, calendar.id));
        for (const id of saved.deletedOccurrences) calendar.deletedOccurrences.add(id);
        for (const [transactionId, eventId] of saved.byTransactionId) calendar.byTransactionId.set(transactionId, eventId);
        for (const [eventId, seq] of saved.changedAt ?? []) {
          calendar.changedAt.set(eventId, seq);
          this.seq = Math.max(this.seq, seq);
        }
        account.calendars.set(calendar.id, calendar);
      }
      this.accounts.set(account.email, account);
    }
  }

  getAccount(email: string): Account | undefined {
    return this.accounts.get(email.toLowerCase());
  }

  allAccounts(): Account[] {
    return [...this.accounts.values()];
  }

  /** Adds a (secondary) calendar to the mailbox. */
  addCalendar(account: Account, input: { name: string; canEdit?: boolean; accessDenied?: boolean }): StoredCalendar {
    const calendar = newCalendar({ name: input.name, isDefault: false, canEdit: input.canEdit ?? true, accessDenied: input.accessDenied });
    account.calendars.set(calendar.id, calendar);
    return calendar;
  }

  /** Deletes a secondary calendar (or stops sharing it): its requests answer 404 ErrorItemNotFound. */
  removeCalendar(account: Account, calendarId: string): boolean {
    if (calendarId === account.defaultCalendarId) return false;
    return account.calendars.delete(calendarId);
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
      const direct = calendar.events.get(id) ?? calendar.exceptions.get(id);
      if (direct) return { calendar, event: direct };
      if (calendar.deletedOccurrences.has(id)) continue;
      const ref = parseOccurrenceId(id);
      const master = ref && calendar.events.get(ref.masterId);
      if (ref && master?.json.recurrence && isOccurrenceDate(master, ref.date)) {
        return { calendar, event: materializeOccurrence(master, ref.date) };
      }
    }
    return undefined;
  }

  /** What a calendar view shows in [startMs, endMs): single instances, occurrences and exceptions. */
  viewItems(account: Account, calendarId: string | undefined, startMs: number, endMs: number): StoredEvent[] {
    const calendar = this.calendar(account, calendarId);
    const out: StoredEvent[] = [];
    for (const event of calendar.events.values()) {
      if (event.json.type === 'seriesMaster') out.push(...untouchedOccurrences(calendar, event, startMs, endMs));
      else if (overlaps(event, startMs, endMs)) out.push(event);
    }
    for (const exception of calendar.exceptions.values()) if (overlaps(exception, startMs, endMs)) out.push(exception);
    return out.sort(byStart);
  }

  /**
   * What `GET .../events/{masterId}/instances` lists for [startMs, endMs): the series' occurrences and
   * exceptions as a calendar view shows them.
   */
  seriesInstances(calendar: StoredCalendar, master: StoredEvent, startMs: number, endMs: number): StoredEvent[] {
    const out = untouchedOccurrences(calendar, master, startMs, endMs);
    for (const exception of calendar.exceptions.values()) {
      if (exception.json.seriesMasterId === master.json.id && overlaps(exception, startMs, endMs)) out.push(exception);
    }
    return out.sort(byStart);
  }

  createEvent(account: Account, calendar: StoredCalendar, write: EventWrite): { event: StoredEvent; duplicate: boolean } {
    if (write.transactionId) {
      const existingId = calendar.byTransactionId.get(write.transactionId);
      const existing = existingId ? calendar.events.get(existingId) : undefined;
      if (existing) return { event: existing, duplicate: true };
    }
    const json = newEventJson(account, write);
    if (json.recurrence) json.type = 'seriesMaster';
    const event = stored(json, calendar.id);
    validate(event);
    calendar.events.set(json.id, event);
    if (json.transactionId) calendar.byTransactionId.set(json.transactionId, json.id);
    this.emit(account, calendar.id, json.id, 'created');
    return { event, duplicate: false };
  }

  updateEvent(account: Account, id: string, write: EventWrite, options: { calendarId?: string; ifMatch?: string } = {}): StoredEvent {
    const found = this.findEvent(account, id, options.calendarId);
    if (!found) throw notFound();
    const { calendar, event } = found;
    checkIfMatch(event, options.ifMatch);
    const type = event.json.type;
    if ((type === 'occurrence' || type === 'exception') && write.recurrence) {
      throw badRequest('An occurrence cannot get its own recurrence.');
    }
    const { transactionId: _ignored, ...changes } = write;
    const json = structuredClone(event.json);
    applyWrite(json, changes);
    if (type === 'occurrence') json.type = 'exception';
    if (type === 'singleInstance' && json.recurrence) json.type = 'seriesMaster';
    if (type === 'seriesMaster' && !json.recurrence) json.type = 'singleInstance';
    const updated = stored(json, calendar.id);
    validate(updated);
    if (json.type === 'exception') {
      calendar.exceptions.set(json.id, updated);
    } else {
      calendar.events.set(json.id, updated);
      // A new pattern or time for the whole series discards its exceptions, as Outlook does.
      if (type === 'seriesMaster' && (write.recurrence !== undefined || write.start || write.end)) this.dropInstances(calendar, json.id);
    }
    this.emit(account, calendar.id, json.id, 'updated');
    return updated;
  }

  deleteEvent(account: Account, id: string, options: { calendarId?: string; ifMatch?: string } = {}): void {
    const found = this.findEvent(account, id, options.calendarId);
    if (!found) throw notFound();
    const { calendar, event } = found;
    checkIfMatch(event, options.ifMatch);
    const { json } = event;
    if (json.type === 'occurrence' || json.type === 'exception') {
      calendar.exceptions.delete(json.id);
      calendar.deletedOccurrences.add(json.id);
    } else {
      calendar.events.delete(json.id);
      if (json.transactionId) calendar.byTransactionId.delete(json.transactionId);
      this.dropInstances(calendar, json.id);
    }
    this.emit(account, calendar.id, json.id, 'deleted');
  }

  /** Forgets a series' exceptions and deleted occurrences. */
  private dropInstances(calendar: StoredCalendar, masterId: string): void {
    for (const [id, e] of calendar.exceptions) if (e.json.seriesMasterId === masterId) calendar.exceptions.delete(id);
    for (const id of calendar.deletedOccurrences) if (parseOccurrenceId(id)?.masterId === masterId) calendar.deletedOccurrences.delete(id);
  }
}

const overlaps = (e: StoredEvent, startMs: number, endMs: number) => e.endMs > startMs && e.startMs < endMs;
const byStart = (a: StoredEvent, b: StoredEvent) => a.startMs - b.startMs || a.json.id.localeCompare(b.json.id);

/** Occurrences of a series overlapping the window that no exception or deletion replaces. */
function untouchedOccurrences(calendar: StoredCalendar, master: StoredEvent, startMs: number, endMs: number): StoredEvent[] {
  return occurrencesOverlapping(master, startMs, endMs).filter(
    (occ) => !calendar.exceptions.has(occ.json.id) && !calendar.deletedOccurrences.has(occ.json.id),
  );
}

/**
 * If-Match takes the `@odata.etag` (W/"changeKey"), as Graph documents it; a bare changeKey is not an etag and
 * never matches (Graph answers 412 the same way).
 */
function checkIfMatch(event: StoredEvent, ifMatch: string | undefined): void {
  if (!ifMatch || ifMatch === '*') return;
  const etag = /^(W\/)?"(.*)"$/.exec(ifMatch.trim());
  if (!etag || etag[2] !== event.json.changeKey) {
    throw new GraphHttpError(
      412,
      'ErrorIrresolvableConflict',
      'The send or update operation could not be performed because the change key passed in the request ' +
        'does not match the current change key for the item.',
    );
  }
}
