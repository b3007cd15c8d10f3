// Calendar v3 events.* and calendarList/calendars handlers of the Google fake.

import type { ServerResponse } from 'node:http';

import { sendEmpty, sendJson } from '../http/body';
import { applyEventBody, InputError, validateClientId } from './event-input';
import { badRequest, notFound, sendGoogleError } from './errors';
import { newEventId, toWire, type GoogleEventResource, type StoredEvent } from './resource';
import { baseResource, timeMs } from './seed';
import type { Account, Calendar, GoogleStore } from './store';
import { decodePageToken, decodeSyncToken, encodePageToken, encodeSyncToken } from './sync-tokens';
import { expandSeries } from './recurrence';
import { compactInstanceTime, dateStartInZone, formatInZone } from './time';

export interface ApiRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  account: Account;
}

const FULL_SYNC_REQUIRED = 'Sync token is no longer valid, a full sync is required.';

function sendFullSyncRequired(res: ServerResponse): void {
  sendGoogleError(res, 410, {
    domain: 'calendar',
    reason: 'fullSyncRequired',
    message: FULL_SYNC_REQUIRED,
    locationType: 'parameter',
    location: 'syncToken',
  });
}

function sendInputError(res: ServerResponse, error: unknown): void {
  if (error instanceof InputError) {
    sendGoogleError(res, error.status, { reason: error.reason, message: error.message });
    return;
  }
  throw error;
}

/** The fields of an event that belong to its organizer (shared with every attendee). */
const SHARED_FIELDS = ['summary', 'description', 'location', 'start', 'end', 'recurrence', 'attendees'] as const;

/** Fields each special event type lets a client change (developers.google.com/calendar/api/guides/event-types). */
const CHANGEABLE_BY_TYPE: Partial<Record<GoogleEventResource['eventType'], ReadonlyArray<(typeof SHARED_FIELDS)[number]>>> = {
  birthday: ['summary'],
  fromGmail: [],
};

function changedSharedFields(before: GoogleEventResource, after: GoogleEventResource): Array<(typeof SHARED_FIELDS)[number]> {
  return SHARED_FIELDS.filter((field) => JSON.stringify(before[field] ?? null) !== JSON.stringify(after[field] ?? null));
}

/** A reader (or free/busy reader) of a calendar may list and watch it, never write to it. */
function requiredWriterAccess(res: ServerResponse): void {
  sendGoogleError(res, 403, {
    domain: 'calendar',
    reason: 'requiredAccessLevel',
    message: 'You need to have writer access to this calendar.',
  });
}

function forbiddenForNonOrganizer(res: ServerResponse): void {
  sendGoogleError(res, 403, {
    domain: 'calendar',
    reason: 'forbiddenForNonOrganizer',
    message: 'Shared properties can only be changed by the organizer of the event.',
  });
}

function conditionNotMet(res: ServerResponse): void {
  sendGoogleError(res, 412, { reason: 'conditionNotMet', message: 'Precondition Failed', locationType: 'header', location: 'If-Match' });
}

function header(req: ApiRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** If-Match: `*` matches any existing event; otherwise the etag must be the current one. */
function ifMatchFails(req: ApiRequest, event: StoredEvent): boolean {
  const wanted = header(req, 'if-match');
  return wanted !== undefined && wanted !== '*' && wanted !== event.etag;
}

export class EventsApi {
  constructor(private readonly store: GoogleStore) {}

  /** The caller's own calendar, or undefined (the fake shares no calendars between accounts). */
  calendarOf(account: Account, calendarId: string): Calendar | undefined {
    const calendar = this.store.findCalendar(calendarId, account);
    return calendar && calendar.ownerEmail === account.email ? calendar : undefined;
  }

  calendarListEntry(calendar: Calendar): Record<string, unknown> {
    return {
      kind: 'calendar#calendarListEntry',
      etag: `"${calendar.resourceId.length}${calendar.log.length}"`,
      id: calendar.id,
      summary: calendar.summary,
      timeZone: calendar.timeZone,
      colorId: '14',
      backgroundColor: '#9fe1e7',
      foregroundColor: '#000000',
      selected: true,
      accessRole: calendar.accessRole ?? 'owner',
      defaultReminders: [{ method: 'popup', minutes: 10 }],
      ...(calendar.primary ? { primary: true } : {}),
    };
  }

  calendarList(req: ApiRequest, res: ServerResponse): void {
    const items = [...req.account.calendars.values()].map((calendar) => this.calendarListEntry(calendar));
    sendJson(res, 200, { kind: 'calendar#calendarList', etag: `"p${items.length}"`, nextSyncToken: `list-${items.length}`, items });
  }

  getCalendar(req: ApiRequest, res: ServerResponse, calendar: Calendar): void {
    sendJson(res, 200, {
      kind: 'calendar#calendar',
      etag: `"c${calendar.log.length}"`,
      id: calendar.id,
      summary: calendar.summary,
      timeZone: calendar.timeZone,
    });
  }

  // ---------------------------------------------------------------------------------------------------
  // events.list
  // ---------------------------------------------------------------------------------------------------

  list(req: ApiRequest, res: ServerResponse, calendar: Calendar): void {
    const p = req.url.searchParams;
    const maxResultsRaw = p.get('maxResults');
    const maxResults = maxResultsRaw === null ? 250 : Number(maxResultsRaw);
    if (!Number.isInteger(maxResults) || maxResults < 1) return badRequest(res, 'Invalid value for: maxResults', 'maxResults');
    const pageSize = Math.min(maxResults, 2500);
    if (p.get('singleEvents') === 'true') {
      // Unsupported on purpose: the product syncs masters + exceptions (singleEvents=false).
      return badRequest(res, 'singleEvents=true is not supported by this fake', 'singleEvents');
    }
    const syncTokenValue = p.get('syncToken');
    const pageTokenValue = p.get('pageToken');
    const filters = ['timeMin', 'timeMax', 'updatedMin', 'orderBy', 'q', 'iCalUID', 'privateExtendedProperty', 'sharedExtendedProperty'];
    if (syncTokenValue !== null) {
      const conflicting = filters.find((name) => p.has(name));
      if (conflicting) return badRequest(res, `The syncToken parameter cannot be combined with ${conflicting}.`, conflicting);
    }
    const orderBy = p.get('orderBy');
    if (orderBy !== null && orderBy !== 'updated') return badRequest(res, 'Invalid value for: orderBy', 'orderBy');

    let afterSeq = 0;
    let epoch: number | undefined;
    let showDeleted = p.get('showDeleted') === 'true';
    if (syncTokenValue !== null) {
      const sync = decodeSyncToken(syncTokenValue);
      // Google answers unknown, foreign and expired sync tokens alike with 410 fullSyncRequired.
      if (!sync || sync.calendarId !== calendar.id || sync.epoch !== req.account.cursorEpoch) return sendFullSyncRequired(res);
      afterSeq = sync.afterSeq;
      epoch = sync.epoch;
      showDeleted = true;
    }
    if (pageTokenValue !== null) {
      const page = decodePageToken(pageTokenValue);
      if (!page || page.calendarId !== calendar.id) return badRequest(res, 'Invalid page token value.', 'pageToken');
      if (page.epoch !== undefined && page.epoch !== req.account.cursorEpoch) return sendFullSyncRequired(res);
      afterSeq = page.afterSeq;
      epoch = page.epoch;
      showDeleted = page.showDeleted;
    }
    const incremental = epoch !== undefined;

    const timeMin = p.has('timeMin') ? Date.parse(p.get('timeMin')!) : undefined;
    const timeMax = p.has('timeMax') ? Date.parse(p.get('timeMax')!) : undefined;
    if (Number.isNaN(timeMin) || Number.isNaN(timeMax))
      return badRequest(res, 'Invalid time value.', Number.isNaN(timeMin) ? 'timeMin' : 'timeMax');
    const q = p.get('q')?.toLowerCase();
    const iCalUID = p.get('iCalUID');

    const include = (event: StoredEvent): boolean => {
      const r = event.resource;
      if (!incremental) {
        if (r.status === 'cancelled' && !showDeleted) {
          // Cancelled occurrences of a live series still show with showDeleted=false and singleEvents=false.
          if (!r.recurringEventId) return false;
          const master = calendar.events.get(r.recurringEventId);
          if (!master || master.resource.status === 'cancelled') return false;
        }
        if (timeMax !== undefined && this.startMs(calendar, r) >= timeMax) return false;
        if (timeMin !== undefined && !r.recurrence && this.endMs(calendar, r) <= timeMin) return false;
        if (q && !`${r.summary ?? ''} ${r.description ?? ''} ${r.location ?? ''}`.toLowerCase().includes(q)) return false;
        if (iCalUID !== null && r.iCalUID !== iCalUID) return false;
      }
      return true;
    };

    const page = this.store.readLog(calendar, afterSeq, pageSize, include);
    const body: Record<string, unknown> = {
      kind: 'calendar#events',
      etag: `"${this.store.currentSeq()}"`,
      summary: calendar.summary,
      description: '',
      updated: new Date().toISOString(),
      timeZone: calendar.timeZone,
      accessRole: 'owner',
      defaultReminders: [{ method: 'popup', minutes: 10 }],
    };
    if (page.resumeAfter !== undefined) {
      body.nextPageToken = encodePageToken({
        calendarId: calendar.id,
        afterSeq: page.resumeAfter,
        showDeleted,
        ...(incremental ? { epoch } : {}),
      });
    } else {
      body.nextSyncToken = encodeSyncToken({ calendarId: calendar.id, afterSeq: this.store.currentSeq(), epoch: req.account.cursorEpoch });
    }
    body.items = page.events.map((event) => toWire(event));
    sendJson(res, 200, body);
  }

  private startMs(calendar: Calendar, r: GoogleEventResource): number {
    return r.start.date ? dateStartInZone(r.start.date, calendar.timeZone) : timeMs(r.start);
  }

  private endMs(calendar: Calendar, r: GoogleEventResource): number {
    return r.end.date ? dateStartInZone(r.end.date, calendar.timeZone) : timeMs(r.end);
  }

  // ---------------------------------------------------------------------------------------------------
  // Single events
  // ---------------------------------------------------------------------------------------------------

  /**
   * The stored event, or an occurrence of a stored series addressed by Google's instance id
   * (`<masterId>_<yyyymmddThhmmssZ>`, all-day `<masterId>_<yyyymmdd>`), materialized from the master (same
   * etag, so If-Match works on it) but not stored until written.
   */
  resolve(calendar: Calendar, eventId: string): { event: StoredEvent; stored: boolean } | undefined {
    const stored = calendar.events.get(eventId);
    if (stored) return { event: stored, stored: true };
    const match = /^(.+)_(\d{8})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(eventId);
    if (!match) return undefined;
    const master = calendar.events.get(match[1]!);
    if (!master || !master.resource.recurrence || master.resource.status === 'cancelled') return undefined;
    // A timed series names its instances by UTC date-time, an all-day series by date; the other form is no id.
    if ((match[3] !== undefined) === (master.resource.start.date !== undefined)) return undefined;
    const d = match[2]!;
    const date = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
    const m = master.resource;
    const zone = m.start.timeZone ?? calendar.timeZone;
    const originalMs = match[3] ? Date.parse(`${date}T${match[3]}:${match[4]}:${match[5]}Z`) : dateStartInZone(date, zone);
    const seriesStart = m.start.date ? dateStartInZone(m.start.date, zone) : timeMs(m.start);
    const occurrences = expandSeries(
      { startMs: seriesStart, allDayDate: m.start.date, timeZone: zone },
      m.recurrence ?? [],
      originalMs + 1,
    );
    if (!occurrences.includes(originalMs)) return undefined;
    const durationMs = timeMs(m.end) - timeMs(m.start);
    const originalStartTime = m.start.date ? { date } : { dateTime: formatInZone(originalMs, zone), timeZone: zone };
    const end = m.start.date
      ? { date: new Date(Date.parse(`${date}T00:00:00Z`) + durationMs).toISOString().slice(0, 10) }
      : { dateTime: formatInZone(originalMs + durationMs, zone), timeZone: zone };
    const resource: GoogleEventResource = {
      ...structuredClone(m),
      id: eventId,
      recurringEventId: m.id,
      originalStartTime,
      start: originalStartTime,
      end,
    };
    delete resource.recurrence;
    return { event: { resource, calendarId: calendar.id, seq: master.seq, etag: master.etag }, stored: false };
  }

  get(req: ApiRequest, res: ServerResponse, calendar: Calendar, eventId: string): void {
    const found = this.resolve(calendar, eventId);
    if (!found) return notFound(res);
    sendJson(res, 200, toWire(found.event, 'get'));
  }

  insert(req: ApiRequest, res: ServerResponse, calendar: Calendar): void {
    if (calendar.accessRole === 'reader') return requiredWriterAccess(res);
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const id = validateClientId(body.id) ?? newEventId();
      const existing = calendar.events.get(id);
      if (existing) {
        return sendGoogleError(res, 409, { reason: 'duplicate', message: 'The requested identifier already exists.' });
      }
      const now = new Date().toISOString();
      const resource = baseResource({ id, owner: req.account.email, calendarId: calendar.id, now }) as GoogleEventResource;
      applyEventBody(resource, body, calendar.timeZone, 'insert');
      if (typeof body.iCalUID === 'string' && body.iCalUID) resource.iCalUID = body.iCalUID;
      const stored = this.store.write(calendar, resource);
      sendJson(res, 200, toWire(stored, 'get'));
    } catch (error) {
      sendInputError(res, error);
    }
  }

  modify(req: ApiRequest, res: ServerResponse, calendar: Calendar, eventId: string, mode: 'patch' | 'update'): void {
    const found = this.resolve(calendar, eventId);
    if (!found) return notFound(res);
    if (calendar.accessRole === 'reader') return requiredWriterAccess(res);
    if (ifMatchFails(req, found.event)) return conditionNotMet(res);
    const previous = found.event.resource;
    const next: GoogleEventResource = structuredClone(previous);
    try {
      if (mode === 'update') {
        // PUT replaces the writable fields; identity, organizer and series links stay.
        for (const key of ['summary', 'description', 'location', 'attendees', 'transparency', 'recurrence'] as const) delete next[key];
      }
      applyEventBody(next, req.body, calendar.timeZone, mode === 'patch' ? 'patch' : 'update');
    } catch (error) {
      return sendInputError(res, error);
    }
    const changed = changedSharedFields(previous, next);
    if (changed.length && previous.organizer.email !== req.account.email) return forbiddenForNonOrganizer(res);
    const changeable = CHANGEABLE_BY_TYPE[previous.eventType];
    if (changeable && changed.some((field) => !changeable.includes(field))) {
      // The exact reason Google gives is undocumented (unconfirmed); the guide says these types allow only some changes.
      return sendGoogleError(res, 400, {
        reason: 'eventTypeRestriction',
        message: `A ${previous.eventType} event cannot be changed this way.`,
      });
    }
    next.updated = new Date().toISOString();
    if (JSON.stringify(previous.start) !== JSON.stringify(next.start) || JSON.stringify(previous.end) !== JSON.stringify(next.end)) {
      next.sequence = previous.sequence + 1;
    }
    const stored = this.store.write(calendar, next);
    sendJson(res, 200, toWire(stored, 'get'));
  }

  delete(req: ApiRequest, res: ServerResponse, calendar: Calendar, eventId: string): void {
    const found = this.resolve(calendar, eventId);
    if (!found) return notFound(res);
    if (found.event.resource.status === 'cancelled') {
      return sendGoogleError(res, 410, { reason: 'deleted', message: 'Resource has been deleted' });
    }
    if (calendar.accessRole === 'reader') return requiredWriterAccess(res);
    if (ifMatchFails(req, found.event)) return conditionNotMet(res);
    this.cancel(calendar, found.event.resource);
    sendEmpty(res, 204);
  }

  /** Deleting marks the event cancelled (it stays visible to sync); a series takes its exceptions along. */
  cancel(calendar: Calendar, resource: GoogleEventResource): void {
    const now = new Date().toISOString();
    this.store.write(calendar, { ...structuredClone(resource), status: 'cancelled', updated: now });
    if (resource.recurrence) {
      for (const event of [...calendar.events.values()]) {
        const r = event.resource;
        if (r.recurringEventId === resource.id && r.status !== 'cancelled') {
          this.store.write(calendar, { ...structuredClone(r), status: 'cancelled', updated: now });
        }
      }
    }
  }

  /** events.instances: occurrences of a series in [timeMin, timeMax) (default: the next year), exceptions applied. */
  instances(req: ApiRequest, res: ServerResponse, calendar: Calendar, eventId: string): void {
    const master = calendar.events.get(eventId);
    if (!master || master.resource.status === 'cancelled') return notFound(res);
    const m = master.resource;
    const p = req.url.searchParams;
    const zone = m.start.timeZone ?? calendar.timeZone;
    const seriesStart = m.start.date ? dateStartInZone(m.start.date, zone) : timeMs(m.start);
    const timeMin = p.has('timeMin') ? Date.parse(p.get('timeMin')!) : -Infinity;
    const timeMax = p.has('timeMax') ? Date.parse(p.get('timeMax')!) : seriesStart + 366 * 86_400_000;
    const maxResults = Math.min(Number(p.get('maxResults') ?? 250) || 250, 2500);
    const showDeleted = p.get('showDeleted') === 'true';
    const items: Array<Record<string, unknown>> = [];
    for (const ms of expandSeries({ startMs: seriesStart, allDayDate: m.start.date, timeZone: zone }, m.recurrence ?? [], timeMax)) {
      if (ms < timeMin) continue;
      // An all-day instance is named by its date in the series' zone (east of UTC its midnight is the UTC day before).
      const originalStart = m.start.date ? { date: formatInZone(ms, zone).slice(0, 10) } : { dateTime: new Date(ms).toISOString() };
      const instanceId = `${m.id}_${compactInstanceTime(originalStart)}`;
      const found = this.resolve(calendar, instanceId);
      if (!found) continue;
      if (found.event.resource.status === 'cancelled' && !showDeleted) continue;
      items.push(toWire(found.event, 'get'));
      if (items.length >= maxResults) break;
    }
    sendJson(res, 200, { kind: 'calendar#events', summary: calendar.summary, timeZone: calendar.timeZone, accessRole: 'owner', items });
  }
}
