// The CalendarProvider for Microsoft 365 / Outlook calendars, over @microsoft/microsoft-graph-client and the
// identity platform v2. Same code for production and the local fake: only the endpoints (and, for the
// fake, the CA to trust) differ.
import type { Client } from '@microsoft/microsoft-graph-client';
import tls from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import { ProviderError, isProviderError } from '../errors';
import type { CalendarInfo, CalendarProvider, CallAuth, ChangePage } from '../types';
import type { EventChange, EventTime, ProviderEvent } from '../../domain/events';
import type { MicrosoftEndpoints } from './endpoints';
import { batchGet, type BatchAnswer } from './batch';
import { classifyHttp, toProviderError } from './errors';
import { graphFreeBusy } from './free-busy';
import { createGraphClient } from './graph-client';
import { graphToProviderEvent, ifMatchValue, toGraphCreateBody, toGraphEventBody } from './normalize';
import { buildAuthorizationUrl, exchangeCode, idTokenIdentity, missingPermissions, refreshTokens, type IdentityConfig } from './oauth';
import { parseGraphPushMessage } from './push-messages';
import {
  calendarsSchema,
  deltaPageSchema,
  eventListSchema,
  graphEventSchema,
  meSchema,
  subscriptionSchema,
  type GraphEvent,
} from './schemas';
import { decodePosition, encodePosition } from './sync-position';

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

export function createMicrosoftProvider(endpoints: MicrosoftEndpoints, options: MicrosoftProviderOptions = {}): CalendarProvider {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const window = options.syncWindow ?? { daysBack: 90, daysAhead: 365 };
  const pageSize = options.pageSize ?? 200;
  const dispatcher: Dispatcher | undefined = options.ca ? new Agent({ connect: { ca: [...tls.rootCertificates, options.ca] } }) : undefined;
  const identity: IdentityConfig = { authorityUrl: endpoints.authorityUrl, dispatcher, timeoutMs };
  const graph = (auth: CallAuth): Client => createGraphClient({ graphBaseUrl: endpoints.graphBaseUrl, dispatcher, timeoutMs }, auth);

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toProviderError(error);
    }
  }

  const calendarBase = (auth: CallAuth, calendarId: string) =>
    calendarId === 'primary' ? `${mailboxRoot(auth)}/calendar` : `${mailboxRoot(auth)}/calendars/${encodeURIComponent(calendarId)}`;
  const eventPath = (auth: CallAuth, eventId: string) => `${mailboxRoot(auth)}/events/${encodeURIComponent(eventId)}`;

  async function getEvent(auth: CallAuth, calendarId: string, eventId: string): Promise<ProviderEvent> {
    const json = await call(() => graph(auth).api(eventPath(auth, eventId)).get());
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
    const first = `${calendarBase(auth, calendarId)}/events/${encodeURIComponent(seriesMasterId)}/instances`;
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

  /**
   * After @removed: still there (moved out of the window, or changed while outside it: Graph reports those
   * too) or really gone? Asked for the whole page at once with $batch, never one GET per entry.
   */
  function removedChange(id: string, answer: BatchAnswer, calendarId: string): EventChange {
    if (answer.status === 404) return { type: 'delete', externalId: id, reason: 'deleted' };
    if (answer.status !== 200) throw classifyHttp(answer.status, errorCodeOf(answer.body), undefined);
    const event = graphToProviderEvent(parse(graphEventSchema, answer.body), calendarId);
    return {
      type: 'delete',
      externalId: id,
      reason: event.status === 'cancelled' ? 'deleted' : 'left_window',
      ...(event.seriesMasterId ? { seriesMasterId: event.seriesMasterId } : {}),
      ...(event.originalStart ? { originalStart: event.originalStart } : {}),
    };
  }

  /** A delta page as changes: removed entries classified and series masters fetched in $batch requests. */
  async function pageChanges(auth: CallAuth, calendarId: string, items: Array<Record<string, unknown>>): Promise<EventChange[]> {
    const removedIds: string[] = [];
    const events: GraphEvent[] = [];
    for (const item of items) {
      if ('@removed' in item) removedIds.push(item.id as string);
      else events.push(parse(graphEventSchema, item));
    }
    // calendarView delta lists occurrences and exceptions but never their series master; fetch each once per
    // page so the series itself (its recurrence) reaches the caller too.
    const masterIds = [...new Set(events.flatMap((event) => (event.seriesMasterId ? [event.seriesMasterId] : [])))];
    const answers = await batchGet(
      graph(auth),
      [...removedIds, ...masterIds].map((id) => eventPath(auth, id)),
    );
    const removed = new Map(removedIds.map((id, i) => [id, removedChange(id, answers[i]!, calendarId)]));
    const masters = new Map<string, ProviderEvent>();
    masterIds.forEach((id, i) => {
      const answer = answers[removedIds.length + i]!;
      if (answer.status === 200) masters.set(id, graphToProviderEvent(parse(graphEventSchema, answer.body), calendarId));
      else if (answer.status !== 404) throw classifyHttp(answer.status, errorCodeOf(answer.body), undefined);
    });
    const changes: EventChange[] = [];
    const mastersSeen = new Set<string>();
    let next = 0;
    for (const item of items) {
      if ('@removed' in item) {
        changes.push(removed.get(item.id as string)!);
        continue;
      }
      const event = graphToProviderEvent(events[next++]!, calendarId);
      const master = event.seriesMasterId ? masters.get(event.seriesMasterId) : undefined;
      if (master && !mastersSeen.has(master.externalId)) {
        mastersSeen.add(master.externalId);
        changes.push({ type: 'upsert', event: master });
      }
      changes.push({ type: 'upsert', event });
    }
    return changes;
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

    async getAccountIdentity(client, auth) {
      const { tenantId, objectId } = idTokenIdentity(auth.idToken, client.clientId);
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
      let url: string | undefined = `${mailboxRoot(auth)}/calendars`;
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
        url = `${endpoints.graphBaseUrl.replace(/\/$/, '')}/v1.0${calendarBase(auth, calendarId)}/calendarView/delta?${range}`;
      } else {
        url = decodePosition(position).url;
      }
      const json = await call(() => graph(auth).api(url).header('Prefer', `odata.maxpagesize=${pageSize}`).get());
      const page = parse(deltaPageSchema, json);
      const changes = await pageChanges(auth, calendarId, page.value);
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
          .api(`${calendarBase(auth, calendarId)}/events`)
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
        const request = graph(auth).api(eventPath(auth, eventId));
        if (ifMatch) request.header('If-Match', ifMatchValue(ifMatch));
        return request.patch(body);
      });
      return graphToProviderEvent(parse(graphEventSchema, json), calendarId);
    },

    async deleteEvent(auth, { eventId, ifMatch }) {
      await call(() => {
        const request = graph(auth).api(eventPath(auth, eventId));
        if (ifMatch) request.header('If-Match', ifMatchValue(ifMatch));
        return request.delete();
      });
    },

    freeBusy: (auth, { emails, timeMin, timeMax }) =>
      graphFreeBusy(graph(auth), { emails, timeMin, timeMax, mailboxRoot: mailboxRoot(auth) }),

    async createPushChannel(auth, { calendarId, notificationUrl, secret, expiresAt, lifecycleUrl }) {
      const expiration = new Date(Math.min(expiresAt.getTime(), Date.now() + MAX_SUBSCRIPTION_MS));
      const body = {
        changeType: 'created,updated,deleted',
        notificationUrl,
        ...(lifecycleUrl ? { lifecycleNotificationUrl: lifecycleUrl } : {}),
        // Every calendar of the mailbox: a notification only triggers a delta sync of the channel's calendar.
        resource: `${mailboxRoot(auth).slice(1)}/events`,
        expirationDateTime: expiration.toISOString(),
        clientState: secret,
      };
      const s = parse(subscriptionSchema, await call(() => graph(auth).api('/subscriptions').post(body)));
      return { channelId: s.id, calendarId, expiresAt: new Date(s.expirationDateTime) };
    },

    async renewPushChannel(auth, { channel, notificationUrl, secret, expiresAt, lifecycleUrl }) {
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
        return this.createPushChannel(auth, {
          calendarId: channel.calendarId,
          notificationUrl,
          secret,
          expiresAt,
          ...(lifecycleUrl ? { lifecycleUrl } : {}),
        });
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

/** `/me` for a user's own grant; `/users/{id}` for an organization-managed connection's app-only token. */
function mailboxRoot(auth: CallAuth): string {
  return auth.mailbox ? `/users/${encodeURIComponent(auth.mailbox)}` : '/me';
}

function parse<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ProviderError('malformed_response', 'microsoft', 'Microsoft Graph answered an unexpected body');
  return result.data;
}

function errorCodeOf(body: unknown): string | undefined {
  return (body as { error?: { code?: string } } | undefined)?.error?.code;
}
