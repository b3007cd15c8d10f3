// createGoogleProvider: the CalendarProvider for Google Calendar v3 through the official clients
// (@googleapis/calendar + google-auth-library), pointed at Google or at the local fake via GoogleEndpoints.
//
// Per call the adapter uses the given access token only: credentials carry no refresh token, so the
// library never refreshes and replays by itself and a 401 surfaces as `unauthorized` (the caller refreshes
// via `refresh()`). The library's own retries are off: activities retry with backoff and Retry-After.

import { randomUUID } from 'node:crypto';

import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import type { ZodType } from 'zod';

import { ProviderError } from '../errors';
import { meteredFetch } from '../metered-fetch';
import type {
  CalendarInfo,
  CalendarProvider,
  CallAuth,
  ChangePage,
  FreeBusyResult,
  OAuthClientCredentials,
  PushChannel,
  PushMessage,
  TokenSet,
  WebhookRequest,
} from '../types';
import type { GoogleEndpoints } from './endpoints';
import { GOOGLE_FULL_CALENDAR_SCOPE, GOOGLE_REQUIRED_SCOPES, GOOGLE_SCOPES } from './endpoints';
import { malformed, toProviderError, type GoogleCallKind } from './errors';
import { eventIdForKey } from './event-id';
import { instanceIdFor } from './instance-id';
import { toChange, toGoogleBody, toProviderEvent } from './normalize';
import {
  calendarListSchema,
  channelSchema,
  eventSchema,
  eventsListSchema,
  freeBusySchema,
  tokenResponseSchema,
  userinfoSchema,
} from './schemas';
import { decodePosition, encodePosition } from './sync-position';

export interface GoogleProviderOptions {
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** events.list page size (Google: 1-2500). */
  pageSize?: number;
}

const FREEBUSY_MAX_CALENDARS = 50;
// Node's own fetch: gaxios otherwise loads node-fetch through a dynamic import(), which fails inside
// jest's VM and adds a second HTTP stack in production.

function parse<T>(schema: ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (!result.success) throw malformed(what);
  return result.data;
}

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function createGoogleProvider(endpoints: GoogleEndpoints, options: GoogleProviderOptions = {}): CalendarProvider {
  const timeout = options.timeoutMs ?? 30_000;
  const pageSize = Math.min(Math.max(options.pageSize ?? 500, 1), 2500);

  /** OAuth endpoints (token, revoke) are not Calendar API requests: they are not metered by the budget. */
  function oauthClient(client?: OAuthClientCredentials, fetchImplementation: typeof fetch = fetch): OAuth2Client {
    return new OAuth2Client({
      ...(client ? { clientId: client.clientId, clientSecret: client.clientSecret } : {}),
      endpoints: { oauth2AuthBaseUrl: endpoints.authorizeUrl, oauth2TokenUrl: endpoints.tokenUrl, oauth2RevokeUrl: endpoints.revokeUrl },
      transporterOptions: { timeout, fetchImplementation },
    });
  }

  /** The Calendar client for one call: every request it makes goes through the call's meter (the budget). */
  function api(auth: CallAuth): calendar_v3.Calendar {
    const fetchImplementation = meteredFetch(auth.meter);
    const authClient = oauthClient(undefined, fetchImplementation);
    authClient.setCredentials({ access_token: auth.accessToken });
    return calendar({ version: 'v3', auth: authClient, rootUrl: endpoints.apiRootUrl, timeout, retry: false, fetchImplementation });
  }

  async function guard<T>(call: GoogleCallKind, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toProviderError(error, call);
    }
  }

  function toTokenSet(data: unknown, previousRefreshToken?: string): TokenSet {
    const tokens = parse(tokenResponseSchema, data, 'token response');
    const refreshToken = tokens.refresh_token ?? undefined;
    return {
      accessToken: tokens.access_token,
      // After a refresh, only a refresh token different from the one we sent is news (rotation).
      ...(refreshToken && refreshToken !== previousRefreshToken ? { refreshToken } : {}),
      expiresAt: new Date(tokens.expiry_date ?? Date.now() + 3600_000),
      ...(tokens.scope ? { scope: tokens.scope } : {}),
      ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
    };
  }

  async function watch(
    auth: CallAuth,
    input: { calendarId: string; notificationUrl: string; secret: string; expiresAt: Date },
  ): Promise<PushChannel> {
    const ttlSeconds = Math.max(1, Math.ceil((input.expiresAt.getTime() - Date.now()) / 1000));
    const response = await api(auth).events.watch({
      calendarId: input.calendarId,
      requestBody: {
        id: randomUUID(),
        type: 'web_hook',
        address: input.notificationUrl,
        token: input.secret,
        params: { ttl: String(ttlSeconds) },
      },
    });
    const channel = parse(channelSchema, response.data, 'channel');
    return {
      channelId: channel.id,
      resourceId: channel.resourceId,
      calendarId: input.calendarId,
      expiresAt: channel.expiration !== undefined ? new Date(Number(channel.expiration)) : input.expiresAt,
    };
  }

  async function stop(auth: CallAuth, channel: PushChannel): Promise<void> {
    if (!channel.resourceId) throw new ProviderError('invalid_request', 'google', 'google channel without resourceId');
    try {
      await api(auth).channels.stop({ requestBody: { id: channel.channelId, resourceId: channel.resourceId } });
    } catch (error) {
      const mapped = toProviderError(error);
      if (mapped.kind !== 'not_found') throw mapped; // already stopped or expired: the goal is met
    }
  }

  return {
    id: 'google',

    buildAuthorizationUrl(client, request) {
      return oauthClient(client).generateAuthUrl({
        access_type: 'offline',
        prompt: 'consent',
        include_granted_scopes: true,
        scope: GOOGLE_SCOPES,
        state: request.state,
        code_challenge: request.codeChallenge,
        code_challenge_method: CodeChallengeMethod.S256,
        redirect_uri: request.redirectUri,
        ...(request.loginHint ? { login_hint: request.loginHint } : {}),
      });
    },

    exchangeCode: (client, input) =>
      guard('exchange', async () => {
        const { tokens } = await oauthClient(client).getToken({
          code: input.code,
          codeVerifier: input.codeVerifier,
          redirect_uri: input.redirectUri,
        });
        return toTokenSet(tokens);
      }),

    refresh: (client, refreshToken) =>
      guard('refresh', async () => {
        const authClient = oauthClient(client);
        // The library keeps the OLD refresh token in its credentials; the raw answer comes with `tokens`, and
        // the library overwrites that very object's refresh_token with the old one right after emitting it:
        // copy it inside the listener, or a rotated refresh token is lost.
        let raw: unknown;
        authClient.on('tokens', (tokens) => {
          raw = { ...tokens };
        });
        authClient.setCredentials({ refresh_token: refreshToken });
        await authClient.refreshAccessToken();
        return toTokenSet(raw, refreshToken);
      }),

    revoke: (client, token) =>
      guard('revoke', async () => {
        try {
          await oauthClient(client).revokeToken(token);
        } catch (error) {
          const mapped = toProviderError(error, 'revoke');
          if (mapped.kind !== 'not_found') throw mapped; // already revoked or expired: nothing left to revoke
        }
      }),

    getAccountIdentity: (_client, auth) =>
      guard('api', async () => {
        // Not metered: userinfo is Google's OpenID endpoint, outside the Calendar API's quotas (as the token
        // exchange is). Drawing it from the Calendar project's bucket made connects fail in bursts.
        const authClient = oauthClient();
        authClient.setCredentials({ access_token: auth.accessToken });
        const response = await authClient.request({ url: endpoints.userinfoUrl, method: 'GET', retry: false, timeout });
        const userinfo = parse(userinfoSchema, response.data, 'userinfo');
        return { subject: userinfo.sub, email: userinfo.email };
      }),

    missingPermissions(grantedScope) {
      if (grantedScope === undefined) return [];
      const granted = new Set(grantedScope.split(/\s+/));
      if (granted.has(GOOGLE_FULL_CALENDAR_SCOPE)) return [];
      return GOOGLE_REQUIRED_SCOPES.filter(({ scope }) => !granted.has(scope)).map(({ scope, purpose }) => `${scope} (${purpose})`);
    },

    listCalendars: (auth) =>
      guard('api', async () => {
        const calendars: CalendarInfo[] = [];
        let pageToken: string | undefined;
        do {
          const response = await api(auth).calendarList.list({ maxResults: 250, ...(pageToken ? { pageToken } : {}) });
          const page = parse(calendarListSchema, response.data, 'calendar list');
          for (const entry of page.items) {
            calendars.push({
              externalId: entry.id,
              name: entry.summaryOverride ?? entry.summary ?? entry.id,
              isPrimary: entry.primary === true,
              ...(entry.timeZone ? { timeZone: entry.timeZone } : {}),
              canWrite: entry.accessRole === 'owner' || entry.accessRole === 'writer',
            });
          }
          pageToken = page.nextPageToken;
        } while (pageToken);
        return calendars;
      }),

    fetchChanges: (auth, input) =>
      guard('api', async (): Promise<ChangePage> => {
        const position: { syncToken?: string; pageToken?: string } | undefined =
          input.position === null ? {} : decodePosition(input.position);
        if (!position) throw new ProviderError('cursor_expired', 'google', 'google unreadable sync position');
        // A full pass leaves out deleted events (Google still lists cancelled occurrences of live series);
        // an incremental pass (syncToken) always includes deletions.
        const response = await api(auth).events.list({
          calendarId: input.calendarId,
          maxResults: pageSize,
          singleEvents: false,
          ...(position.syncToken ? { syncToken: position.syncToken } : { showDeleted: false }),
          ...(position.pageToken ? { pageToken: position.pageToken } : {}),
        });
        const page = parse(eventsListSchema, response.data, 'events page');
        const zone = page.timeZone ?? 'UTC';
        const changes = page.items.map((item) => toChange(item, input.calendarId, zone));
        if (page.nextPageToken) {
          return {
            changes,
            next: {
              kind: 'page',
              position: encodePosition({ ...(position.syncToken ? { syncToken: position.syncToken } : {}), pageToken: page.nextPageToken }),
            },
          };
        }
        return { changes, next: { kind: 'done', cursor: encodePosition({ syncToken: page.nextSyncToken! }) } };
      }),

    getEvent: (auth, input) =>
      guard('api', async () => {
        const response = await api(auth).events.get({ calendarId: input.calendarId, eventId: input.eventId });
        return toProviderEvent(parse(eventSchema, response.data, 'event'), input.calendarId, 'UTC');
      }),

    getOccurrence: (auth, input) =>
      guard('api', async () => {
        const eventId = instanceIdFor(input.seriesMasterId, input.originalStart);
        const response = await api(auth).events.get({ calendarId: input.calendarId, eventId });
        const event = parse(eventSchema, response.data, 'event');
        // Google still answers for a cancelled occurrence (status only is guaranteed): for the caller it is gone.
        if (event.status === 'cancelled' || event.recurringEventId !== input.seriesMasterId) {
          throw new ProviderError('not_found', 'google', 'google occurrence not found');
        }
        return toProviderEvent(event, input.calendarId, 'UTC');
      }),

    createEvent: (auth, input) =>
      guard('api', async () => {
        const eventId = eventIdForKey(input.idempotencyKey);
        try {
          const response = await api(auth).events.insert({
            calendarId: input.calendarId,
            requestBody: { ...toGoogleBody(input.event), id: eventId },
          });
          return toProviderEvent(parse(eventSchema, response.data, 'event'), input.calendarId, 'UTC');
        } catch (error) {
          // 409 duplicate: an earlier attempt with this key created it; hand back that event.
          const status = (error as { response?: { status?: number } }).response?.status;
          if (status !== 409) throw error;
          const response = await api(auth).events.get({ calendarId: input.calendarId, eventId });
          return toProviderEvent(parse(eventSchema, response.data, 'event'), input.calendarId, 'UTC');
        }
      }),

    updateEvent: (auth, input) =>
      guard('api', async () => {
        const response = await api(auth).events.patch(
          { calendarId: input.calendarId, eventId: input.eventId, requestBody: toGoogleBody(input.patch) },
          input.ifMatch ? { headers: { 'If-Match': input.ifMatch } } : {},
        );
        return toProviderEvent(parse(eventSchema, response.data, 'event'), input.calendarId, 'UTC');
      }),

    deleteEvent: (auth, input) =>
      guard('api', async () => {
        await api(auth).events.delete(
          { calendarId: input.calendarId, eventId: input.eventId },
          input.ifMatch ? { headers: { 'If-Match': input.ifMatch } } : {},
        );
      }),

    freeBusy: (auth, input) =>
      guard('api', async () => {
        const result: FreeBusyResult = {};
        for (let i = 0; i < input.emails.length; i += FREEBUSY_MAX_CALENDARS) {
          const batch = input.emails.slice(i, i + FREEBUSY_MAX_CALENDARS);
          const response = await api(auth).freebusy.query({
            requestBody: {
              timeMin: input.timeMin,
              timeMax: input.timeMax,
              ...(input.timeZone ? { timeZone: input.timeZone } : {}),
              items: batch.map((id) => ({ id })),
            },
          });
          const data = parse(freeBusySchema, response.data, 'free/busy');
          for (const email of batch) {
            const entry = data.calendars[email] ?? data.calendars[email.toLowerCase()];
            if (!entry) result[email] = { error: 'missing' };
            else if (entry.errors && entry.errors.length > 0) result[email] = { error: entry.errors[0]!.reason };
            else {
              result[email] = {
                busy: entry.busy.map((block) => {
                  const start = Date.parse(block.start);
                  const end = Date.parse(block.end);
                  if (Number.isNaN(start) || Number.isNaN(end)) throw malformed('busy block');
                  return { start: new Date(start).toISOString(), end: new Date(end).toISOString(), status: 'busy' as const };
                }),
              };
            }
          }
        }
        return result;
      }),

    createPushChannel: (auth, input) => guard('api', () => watch(auth, input)),

    renewPushChannel: (auth, input) =>
      guard('api', async () => {
        // Google channels cannot be extended: open a new one first (no gap), then stop the old one.
        const next = await watch(auth, {
          calendarId: input.channel.calendarId,
          notificationUrl: input.notificationUrl,
          secret: input.secret,
          expiresAt: input.expiresAt,
        });
        await stop(auth, input.channel);
        return next;
      }),

    stopPushChannel: (auth, channel) => guard('api', () => stop(auth, channel)),

    parsePushMessage(request): PushMessage {
      const channelId = header(request.headers, 'x-goog-channel-id');
      const state = header(request.headers, 'x-goog-resource-state');
      if (!channelId || !state) return { kind: 'invalid', reason: 'missing X-Goog-Channel-ID or X-Goog-Resource-State' };
      if (state === 'sync') return { kind: 'sync-handshake', channelId };
      if (state === 'exists' || state === 'not_exists') {
        const resourceId = header(request.headers, 'x-goog-resource-id');
        const number = header(request.headers, 'x-goog-message-number');
        const messageNumber = number && /^\d{1,9}$/.test(number) ? Number(number) : undefined;
        return {
          kind: 'change',
          channelId,
          secret: header(request.headers, 'x-goog-channel-token'),
          ...(resourceId ? { resourceId } : {}),
          ...(messageNumber !== undefined ? { messageNumber } : {}),
        };
      }
      return { kind: 'invalid', reason: 'unknown X-Goog-Resource-State' };
    },
  };
}
