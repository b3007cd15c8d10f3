// The CalendarProvider for Microsoft 365 / Outlook calendars, over @microsoft/microsoft-graph-client and the
// identity platform v2. Same code for production and the local fake: only the endpoints (and, for the
// fake, the CA to trust) differ.
import type { Client } from '@microsoft/microsoft-graph-client';
import tls from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import { ProviderError, isProviderError } from '../errors';
import type { BusyBlock, CalendarInfo, CalendarProvider, CallAuth, ChangePage, FreeBusyResult } from '../types';
import type { EventChange, EventTime, ProviderEvent } from '../../domain/events';
import type { MicrosoftEndpoints } from './endpoints';
import { toProviderError } from './errors';
import { createGraphClient } from './graph-client';
import { graphToProviderEvent, toGraphCreateBody, toGraphEventBody } from './normalize';
import { buildAuthorizationUrl, exchangeCode, idTokenIdentity, missingPermissions, refreshTokens, type IdentityConfig } from './oauth';
import { parseGraphPushMessage } from './push-messages';
import {
  calendarsSchema,
  deltaPageSchema,
  eventListSchema,
  graphEventSchema,
  meSchema,
  scheduleSchema,
  subscriptionSchema,
} from './schemas';
import { decodePosition, encodePosition } from './sync-position';
import { wallTimeToEpoch, windowsToIana } from './time-zones';

export interface MicrosoftProviderOptions {
  /** Extra CA (PEM) to trust besides Node's roots: the sandbox fake's test CA. */
  ca?: string;
  /** Per-call deadline. */
  timeoutMs?: number;
  /** Sync window relative to now (Graph's delta tokens are bound to the window of their first request). */
  syncWindow?: { daysBack: number; daysAhead: number };
  /** Events per delta page (Prefer: odata.maxpagesize). */
  pageSize?: number;
}

const DAY_MS = 86_400_000;
/** Outlook event subscriptions live at most 4230 minutes; stay a little under it. */
const MAX_SUBSCRIPTION_MS = 4230 * 60_000 - 5 * 60_000;
const FREE_BUSY_BATCH = 20;

const BUSY_STATUS: Record<string, BusyBlock['status'] | undefined> = {
  busy: 'busy',
  tentative: 'tentative',
  oof: 'outOfOffice',
  workingElsewhere: 'workingElsewhere',
};

export function createMicrosoftProvider(endpoints: MicrosoftEndpoints, options: MicrosoftProviderOptions = {}): CalendarProvider {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const window = options.syncWindow ?? { daysBack: 90, daysAhead: 365 };
  const pageSize = options.pageSize ?? 200;
  const dispatcher: Dispatcher | undefined = options.ca ? new Agent({ connect: { ca: [...tls.rootCertificates, options.ca] } }) : undefined;
  const identity: IdentityConfig = { authorityUrl: endpoints.authorityUrl, dispatcher, timeoutMs };
  const graph = (auth: CallAuth): Client =>
    createGraphClient({ graphBaseUrl: endpoints.graphBaseUrl, dispatcher, timeoutMs }, auth.accessToken);

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toProviderError(error);
    }
  }

  const calendarBase = (calendarId: string) =>
    calendarId === 'primary' ? '/me/calendar' : `/me/calendars/${encodeURIComponent(calendarId)}`;
  const eventPath = (eventId: string) => `/me/events/${encodeURIComponent(eventId)}`;

  async function getEvent(auth: CallAuth, calendarId: string, eventId: string): Promise<ProviderEvent> {
    const json = await call(() => graph(auth).api(eventPath(eventId)).get());
    return graphToProviderEvent(parse(graphEventSchema, json), calendarId);
  }

  /** Every instance (occurrence or exception) of a series that overlaps [startMs, endMs), across pages. */
  async function listInstances(
    auth: CallAuth,
    calendarId: string,
    seriesMasterId: string,
    startMs: number,
    endMs: number,
  ): Promise<ProviderEvent[]> {
    const out: ProviderEvent[] = [];
    const first = `${calendarBase(calendarId)}/events/${encodeURIComponent(seriesMasterId)}/instances`;
    const window = { startDateTime: new Date(startMs).toISOString(), endDateTime: new Date(endMs).toISOString() };
    let next: string | undefined;
    do {
      const url = next;
      const json = await call(() => (url ? graph(auth).api(url).get() : graph(auth).api(first).query(window).get()));
      const page = parse(eventListSchema, json);
      out.push(...page.value.map((event) => graphToProviderEvent(event, calendarId)));
      next = page['@odata.nextLink'] ?? undefined;
    } while (next);
    return out;
  }

  async function getOccurrence(
    auth: CallAuth,
    calendarId: string,
    seriesMasterId: string,
    originalStart: EventTime,
  ): Promise<ProviderEvent> {
    const wantedMs = originalStart.kind === 'date' ? Date.parse(`${originalStart.date}T00:00:00Z`) : Date.parse(originalStart.dateTime);
    if (Number.isNaN(wantedMs))
      throw new ProviderError('invalid_request', 'microsoft', 'occurrence start is not a date or ISO-8601 date-time');
    const isWanted = (event: ProviderEvent): boolean => {
      const original = event.originalStart;
      if (event.seriesMasterId !== seriesMasterId || !original) return false;
      if (originalStart.kind === 'date') return original.kind === 'date' && original.date === originalStart.date;
      return original.kind === 'dateTime' && Date.parse(original.dateTime) === wantedMs;
    };
    let instances: ProviderEvent[];
    try {
      // A day either side covers any zone offset of an all-day occurrence. An exception moved further
      // than that from its original start is not listed here (Graph lists instances by their actual time).
      instances = await listInstances(auth, calendarId, seriesMasterId, wantedMs - DAY_MS, wantedMs + DAY_MS);
    } catch (error) {
      // Graph refuses /instances of an event that is no series master: like Google, that is "no occurrence".
      if (isProviderError(error, 'invalid_request') && (await getEvent(auth, calendarId, seriesMasterId)).kind !== 'seriesMaster') {
        throw new ProviderError('not_found', 'microsoft', 'the event is not a recurring series');
      }
      throw error;
    }
    const found = instances.find(isWanted);
    // Graph leaves cancelled occurrences out; an attendee's copy of a cancelled meeting still says so.
    if (!found || found.status === 'cancelled')
      throw new ProviderError('not_found', 'microsoft', 'the series has no occurrence at that start');
    return found;
  }

  /** After @removed: still there (moved out of the window) or really gone? */
  async function removedChange(auth: CallAuth, calendarId: string, id: string): Promise<EventChange> {
    try {
      const event = await getEvent(auth, calendarId, id);
      return {
        type: 'delete',
        externalId: id,
        reason: event.status === 'cancelled' ? 'deleted' : 'left_window',
        ...(event.seriesMasterId ? { seriesMasterId: event.seriesMasterId } : {}),
        ...(event.originalStart ? { originalStart: event.originalStart } : {}),
      };
    } catch (error) {
      if (isProviderError(error, 'not_found')) return { type: 'delete', externalId: id, reason: 'deleted' };
      throw error;
    }
  }

  return {
    id: 'microsoft',

    buildAuthorizationUrl: (client, request) => buildAuthorizationUrl(identity, client, request),
    exchangeCode: (client, input) => exchangeCode(identity, client, input),
    refresh: (client, refreshToken) => refreshTokens(identity, client, refreshToken),

    /**
     * The identity platform v2 has no endpoint to revoke one refresh token (there is no RFC 7009 endpoint).
     * What exists is `POST /me/revokeSignInSessions`, which signs the user out of EVERY app and device:
     * far too broad for disconnecting a calendar. So revoke does nothing at Microsoft; the caller deletes
     * the stored tokens, and the access token lapses within its lifetime (about an hour). The user can
     * withdraw the app's consent at https://myapps.microsoft.com.
     */
    async revoke() {
      return undefined;
    },

    async getAccountIdentity(client, tokens) {
      const { tenantId, objectId } = idTokenIdentity(tokens.idToken, client.clientId);
      const auth = { accessToken: tokens.accessToken };
      const me = parse(meSchema, await call(() => graph(auth).api('/me').select(['id', 'mail', 'userPrincipalName']).get()));
      // The access token and the id_token must be about the same user.
      if (me.id.toLowerCase() !== objectId)
        throw new ProviderError('malformed_response', 'microsoft', 'id_token and /me name different users');
      const email = me.mail ?? me.userPrincipalName;
      if (!email) throw new ProviderError('malformed_response', 'microsoft', 'Microsoft Graph /me has no mail or userPrincipalName');
      return { subject: `${tenantId}/${objectId}`, email };
    },

    missingPermissions,

    async listCalendars(auth) {
      const out: CalendarInfo[] = [];
      let url: string | undefined = '/me/calendars';
      while (url) {
        const page = parse(calendarsSchema, await call(() => graph(auth).api(url!).get()));
        for (const c of page.value) {
          out.push({ externalId: c.id, name: c.name ?? '', isPrimary: c.isDefaultCalendar === true, canWrite: c.canEdit !== false });
        }
        url = page['@odata.nextLink'] ?? undefined;
      }
      return out;
    },

    async fetchChanges(auth, { calendarId, position }): Promise<ChangePage> {
      let url: string;
      if (position === null) {
        const now = Date.now();
        const start = new Date(now - window.daysBack * DAY_MS).toISOString();
        const end = new Date(now + window.daysAhead * DAY_MS).toISOString();
        const range = `startDateTime=${encodeURIComponent(start)}&endDateTime=${encodeURIComponent(end)}`;
        url = `${endpoints.graphBaseUrl.replace(/\/$/, '')}/v1.0${calendarBase(calendarId)}/calendarView/delta?${range}`;
      } else {
        url = decodePosition(position).url;
      }
      const json = await call(() => graph(auth).api(url).header('Prefer', `odata.maxpagesize=${pageSize}`).get());
      const page = parse(deltaPageSchema, json);

      const changes: EventChange[] = [];
      const mastersSeen = new Set<string>();
      for (const item of page.value) {
        if ('@removed' in item) {
          changes.push(await removedChange(auth, calendarId, item.id as string));
          continue;
        }
        const event = graphToProviderEvent(parse(graphEventSchema, item), calendarId);
        // calendarView delta lists occurrences and exceptions but never their series master; fetch it once
        // per page so the series itself (its recurrence) reaches the caller too.
        if (event.seriesMasterId && !mastersSeen.has(event.seriesMasterId)) {
          mastersSeen.add(event.seriesMasterId);
          try {
            changes.push({ type: 'upsert', event: await getEvent(auth, calendarId, event.seriesMasterId) });
          } catch (error) {
            if (!isProviderError(error, 'not_found')) throw error;
          }
        }
        changes.push({ type: 'upsert', event });
      }
      const next = page['@odata.nextLink'];
      const delta = page['@odata.deltaLink'];
      if (next) return { changes, next: { kind: 'page', position: encodePosition({ kind: 'page', url: next }) } };
      if (delta) return { changes, next: { kind: 'done', cursor: encodePosition({ kind: 'cursor', url: delta }) } };
      throw new ProviderError('malformed_response', 'microsoft', 'delta page has neither nextLink nor deltaLink');
    },

    getEvent: (auth, { calendarId, eventId }) => getEvent(auth, calendarId, eventId),

    getOccurrence: (auth, { calendarId, seriesMasterId, originalStart }) => getOccurrence(auth, calendarId, seriesMasterId, originalStart),

    async createEvent(auth, { calendarId, event, idempotencyKey }) {
      const body = toGraphCreateBody(event, idempotencyKey);
      const json = await call(() =>
        graph(auth)
          .api(`${calendarBase(calendarId)}/events`)
          .post(body),
      );
      return graphToProviderEvent(parse(graphEventSchema, json), calendarId);
    },

    async updateEvent(auth, { calendarId, eventId, patch, ifMatch }) {
      if (patch.status === 'cancelled') {
        // Graph has no writable "cancelled" status: the organizer's way to cancel is to delete the event.
        const current = await getEvent(auth, calendarId, eventId);
        await this.deleteEvent(auth, { calendarId, eventId, ...(ifMatch ? { ifMatch } : {}) });
        return { ...current, status: 'cancelled' };
      }
      const needsStart = patch.recurrence !== undefined && patch.recurrence.length > 0 && !patch.start;
      const current = needsStart ? await getEvent(auth, calendarId, eventId) : undefined;
      const body = toGraphEventBody(patch, current);
      const json = await call(() => {
        const request = graph(auth).api(eventPath(eventId));
        if (ifMatch) request.header('If-Match', ifMatch);
        return request.patch(body);
      });
      return graphToProviderEvent(parse(graphEventSchema, json), calendarId);
    },

    async deleteEvent(auth, { eventId, ifMatch }) {
      await call(() => {
        const request = graph(auth).api(eventPath(eventId));
        if (ifMatch) request.header('If-Match', ifMatch);
        return request.delete();
      });
    },

    async freeBusy(auth, { emails, timeMin, timeMax }) {
      const result: FreeBusyResult = {};
      for (let i = 0; i < emails.length; i += FREE_BUSY_BATCH) {
        const batch = emails.slice(i, i + FREE_BUSY_BATCH);
        const body = {
          schedules: batch,
          startTime: { dateTime: new Date(timeMin).toISOString().replace('Z', ''), timeZone: 'UTC' },
          endTime: { dateTime: new Date(timeMax).toISOString().replace('Z', ''), timeZone: 'UTC' },
          availabilityViewInterval: 30,
        };
        const json = await call(() => graph(auth).api('/me/calendar/getSchedule').header('Prefer', 'outlook.timezone="UTC"').post(body));
        const schedule = parse(scheduleSchema, json);
        for (const email of batch) {
          const info = schedule.value.find((s) => s.scheduleId.toLowerCase() === email.toLowerCase());
          if (!info) {
            result[email] = { error: 'notReturned' };
          } else if (info.error) {
            result[email] = { error: info.error.responseCode ?? 'error' };
          } else {
            const toIso = (t: { dateTime: string; timeZone?: string | null }) =>
              new Date(wallTimeToEpoch(t.dateTime, windowsToIana(t.timeZone) ?? 'UTC')).toISOString();
            result[email] = {
              busy: (info.scheduleItems ?? []).flatMap((item): BusyBlock[] => {
                const status = BUSY_STATUS[item.status];
                return status ? [{ start: toIso(item.start), end: toIso(item.end), status }] : [];
              }),
            };
          }
        }
      }
      return result;
    },

    async createPushChannel(auth, { calendarId, notificationUrl, secret, expiresAt, lifecycleUrl }) {
      const expiration = new Date(Math.min(expiresAt.getTime(), Date.now() + MAX_SUBSCRIPTION_MS));
      const body = {
        changeType: 'created,updated,deleted',
        notificationUrl,
        ...(lifecycleUrl ? { lifecycleNotificationUrl: lifecycleUrl } : {}),
        // Every calendar of the mailbox: a notification only triggers a delta sync of the channel's calendar.
        resource: 'me/events',
        expirationDateTime: expiration.toISOString(),
        clientState: secret,
      };
      const s = parse(subscriptionSchema, await call(() => graph(auth).api('/subscriptions').post(body)));
      return { channelId: s.id, calendarId, expiresAt: new Date(s.expirationDateTime) };
    },

    async renewPushChannel(auth, { channel, notificationUrl, secret, expiresAt }) {
      const expiration = new Date(Math.min(expiresAt.getTime(), Date.now() + MAX_SUBSCRIPTION_MS));
      try {
        const s = parse(
          subscriptionSchema,
          await call(() =>
            graph(auth)
              .api(`/subscriptions/${encodeURIComponent(channel.channelId)}`)
              .patch({ expirationDateTime: expiration.toISOString() }),
          ),
        );
        return { ...channel, channelId: s.id, expiresAt: new Date(s.expirationDateTime) };
      } catch (error) {
        // Expired or removed by Graph: a renewal can only be a new subscription.
        if (!isProviderError(error, 'not_found')) throw error;
        return this.createPushChannel(auth, { calendarId: channel.calendarId, notificationUrl, secret, expiresAt });
      }
    },

    async stopPushChannel(auth, channel) {
      try {
        await call(() =>
          graph(auth)
            .api(`/subscriptions/${encodeURIComponent(channel.channelId)}`)
            .delete(),
        );
      } catch (error) {
        if (!isProviderError(error, 'not_found')) throw error;
      }
    },

    parsePushMessage: parseGraphPushMessage,
  };
}

function parse<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ProviderError('malformed_response', 'microsoft', 'Microsoft Graph answered an unexpected body');
  return result.data;
}
