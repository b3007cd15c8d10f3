// startGoogleFake: one plain Node http server speaking Google OAuth 2.0 and Calendar v3 on loopback,
// plus the FakeProviderControl methods and their `/__fake/...` HTTP mirror.

import { GOOGLE_SANDBOX_CLIENT } from '../../config/sandbox';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { BodyError, readJson, sendEmpty, sendJson } from '../http/body';
import { FaultInjector } from '../http/faults';
import { SlidingWindowLimiter } from '../http/usage-limits';
import { StateFile } from '../persistence/state-file';
import type { FakeEventSeed, FakeProviderControl } from '../types';
import { authorizeAsUser } from './authorize-as-user';
import { ControlError, GoogleControl } from './control';
import { sendGoogleError } from './errors';
import { EventsApi, type ApiRequest } from './events-api';
import { renderGoogleFault, type GoogleFaultSpec } from './faults';
import { freeBusy } from './freebusy';
import { GoogleOAuth, type GoogleOAuthState } from './oauth';
import { PushChannels, type PushChannelsState } from './push';
import { GoogleStore, type GoogleStoreState } from './store';
import { DIRECTORY_USERS_PATH, listDirectoryUsers } from './directory-api';
import { checkAssertion } from './jwt-bearer';
import { ServiceAccounts, type ServiceAccountsState } from './service-accounts';
import { WorkspaceControl, type RegisteredServiceAccount, type ServiceAccountInput, type WorkspaceDomainInput } from './workspace-control';
import { WorkspaceDirectory, type WorkspaceDirectoryState } from './workspace-directory';

/** Where a Google client must send its requests to reach this fake (the shape the Google adapter takes). */
export interface GoogleFakeEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  userinfoUrl: string;
  /** Root of the Calendar API (the client appends `/calendar/v3/...`). */
  apiRootUrl: string;
}

export interface GoogleFakeOptions {
  port?: number;
  host?: string;
  /** Lifetime of issued access tokens (Google: 3600; the client library refreshes 300 s before expiry). */
  accessTokenTtlSeconds?: number;
  /**
   * Keep accounts, grants and tokens, calendars, events, sync positions and watch channels in this file across
   * restarts (the sandbox). Without it the fake lives in memory only (tests).
   */
  stateFile?: string;
  /**
   * Accept `http://` watch addresses on loopback hosts. Google accepts https only (400 push.webhookUrlNotHttps),
   * and so does the fake by default; the sandbox and the test stack turn this on, since the local API serves http.
   */
  allowLoopbackHttp?: boolean;
  /** Answer every refresh with a new refresh token and retire the old one (Google is not known to rotate). */
  rotateRefreshTokens?: boolean;
  /**
   * Enforce Google's usage limits on Calendar API requests, on a sliding window (Google: 600 per minute per user,
   * 10,000 per minute per project): over them, 403 userRateLimitExceeded / rateLimitExceeded. Off by default.
   */
  limits?: { perUser?: number; perProject?: number; windowMs?: number };
}

/** What the state file holds. */
interface GoogleFakeState {
  store: GoogleStoreState;
  oauth: GoogleOAuthState;
  channels: PushChannelsState;
  /** Sandbox Workspace domains, service accounts and delegations (absent in older state files). */
  workspace?: { directory: WorkspaceDirectoryState; serviceAccounts: ServiceAccountsState };
}

export interface GoogleFake extends FakeProviderControl {
  readonly provider: 'google';
  readonly endpoints: GoogleFakeEndpoints;
  injectFault(fault: GoogleFaultSpec): void;
  /**
   * Granular consent: from now on the account's user unticks these scopes on the consent screen, so codes
   * for it grant the requested scopes without them (sign-in scopes cannot be unticked). [] grants all again.
   */
  declineScopes(email: string, scopes: string[]): void;
  /** Adds a secondary calendar to the account (as "create calendar" in Google would); returns its id. */
  addCalendar(email: string, input: { name: string; timeZone?: string; readOnly?: boolean }): string;
  /** The state file in use (undefined: in memory only). */
  readonly stateFile: string | undefined;
  /** Granular consent: the account grants only these scopes from now on, its grants included (null: all again). */
  setGrantedScopes(email: string, scopes: string[] | null): void;
  /** "Calendar usage limits exceeded": every Calendar API call of the account answers 403 quotaExceeded until cleared. */
  setUsageLimitExceeded(email: string, exceeded: boolean): void;
  /** Deletes a secondary calendar (or stops sharing it): its requests answer 404 notFound. */
  deleteCalendar(email: string, calendarId: string): void;
  /** From now on every refresh answers a new refresh token and retires the presented one (or stops doing so). */
  setRefreshTokenRotation(on: boolean): void;
  /** The account's access to a secondary calendar changes (a reader may list it, writes answer 403). */
  setCalendarAccess(email: string, calendarId: string, role: 'owner' | 'reader'): void;
  /** With `limits`: the most requests let through per project (client id) and per user in one window, and refusals. */
  usageStats(): { perProject: Record<string, number>; perUser: Record<string, number>; refused: number };
  /** Forgets what the limits counted so far. */
  resetUsage(): void;
  /**
   * A sandbox Workspace domain with `count` users (default 5) `user1@domain` ..., each an account of the fake with
   * a primary calendar (seeded with `eventsPerUser` sandbox events); the first is the domain's super admin.
   */
  createWorkspaceDomain(domain: string, input?: WorkspaceDomainInput): { domain: string; customerId: string; users: string[] };
  /** A service account; without `publicKeyPem` the fake makes the key pair and returns Google's key file (once). */
  registerServiceAccount(input?: ServiceAccountInput): RegisteredServiceAccount;
  /** Domain-wide delegation: the domain's admin lets the client id act as any user of the domain within `scopes`. */
  grantDomainWideDelegation(domain: string, clientId: string, scopes: string[]): void;
  /** The admin deletes the delegation: new JWT-bearer grants answer unauthorized_client (issued tokens live on). */
  withdrawDomainWideDelegation(domain: string, clientId: string): void;
  /** A suspended user cannot be impersonated (invalid_grant) and is listed `suspended: true`. */
  setWorkspaceUserSuspended(email: string, suspended: boolean): void;
}

/** OAuth client registered at start-up, so `npm start` works with no configuration. */
// The sandbox client is the service's configuration (config/sandbox.ts): the fake accepts exactly that client.
export { GOOGLE_SANDBOX_CLIENT };

const READ_SCOPES = [
  'https://www.googleapis.com/auth/calendar',
  'https://www.googleapis.com/auth/calendar.readonly',
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.events.readonly',
];
const WRITE_SCOPES = ['https://www.googleapis.com/auth/calendar', 'https://www.googleapis.com/auth/calendar.events'];
const LIST_SCOPES = ['https://www.googleapis.com/auth/calendar', 'https://www.googleapis.com/auth/calendar.readonly'];
const MAX_REQUEST_LOG = 100_000;

export async function startGoogleFake(options: GoogleFakeOptions = {}): Promise<GoogleFake> {
  const host = options.host ?? '127.0.0.1';
  let baseUrl = '';
  const store = new GoogleStore();
  const oauth = new GoogleOAuth(store, options.accessTokenTtlSeconds ?? 3600, options.rotateRefreshTokens ?? false);
  const events = new EventsApi(store);
  const push = new PushChannels(() => baseUrl, options.allowLoopbackHttp ?? false);
  const usage = usageLimits(options.limits);
  const usageLimitExceeded = new Set<string>();
  const control = new GoogleControl(store, events);
  const directory = new WorkspaceDirectory();
  const serviceAccounts = new ServiceAccounts();
  const workspace = new WorkspaceControl(directory, serviceAccounts, control, () => `${baseUrl}/token`);
  oauth.acceptAssertions((assertion) => checkAssertion(assertion, { serviceAccounts, directory, tokenUrl: `${baseUrl}/token` }));
  const faults = new FaultInjector((path) => !path.startsWith('/__fake') && !path.startsWith('/o/oauth2'));
  let requestLog: Array<{ method: string; path: string; status: number }> = [];
  const persistence = options.stateFile ? new StateFile<GoogleFakeState>(options.stateFile, { provider: 'google' }) : undefined;
  const saved = persistence?.read();
  if (saved) {
    store.importState(saved.store);
    oauth.importState(saved.oauth);
    push.importState(saved.channels);
    directory.importState(saved.workspace?.directory);
    serviceAccounts.importState(saved.workspace?.serviceAccounts);
  }
  persistence?.track(() => ({
    store: store.exportState(),
    oauth: oauth.exportState(),
    channels: push.exportState(),
    workspace: { directory: directory.exportState(), serviceAccounts: serviceAccounts.exportState() },
  }));
  /** The state changed: saved a little later when there is a state file. */
  const saveSoon = (): void => persistence?.changed();
  /** Passes a control method's result through, saving soon. */
  const saving = <T>(result: T): T => {
    saveSoon();
    return result;
  };
  oauth.registerClient(GOOGLE_SANDBOX_CLIENT.clientId, GOOGLE_SANDBOX_CLIENT.clientSecret);
  store.onChange((calendar) => {
    push.notifyChange(calendar);
    saveSoon();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    // Any request may change state (codes, tokens, channels, events): one throttled save covers them all.
    res.on('finish', saveSoon);
    if (!path.startsWith('/__fake')) {
      res.on('finish', () => {
        requestLog.push({ method, path, status: res.statusCode });
        if (requestLog.length > MAX_REQUEST_LOG) requestLog = requestLog.slice(-MAX_REQUEST_LOG / 2);
      });
    }
    if ((await faults.apply(req, res, path, renderGoogleFault)) === 'handled') return;

    if (path.startsWith('/__fake/')) return controlRoute(method, url, req, res);
    if (method === 'GET' && path === '/o/oauth2/v2/auth') return oauth.authorize(url, res);
    if (method === 'POST' && path === '/token') return oauth.token(req, res);
    if (method === 'POST' && path === '/revoke') return oauth.revoke(url, req, res);
    if (method === 'GET' && path === '/oauth2/v3/userinfo') return oauth.userinfo(req, res);
    if (path.startsWith('/calendar/v3/')) return calendarRoute(method, url, req, res);
    if (method === 'GET' && path === DIRECTORY_USERS_PATH) {
      const auth = oauth.authenticate(req);
      if (!auth)
        return sendGoogleError(res, 401, {
          reason: 'authError',
          message: 'Invalid Credentials',
          locationType: 'header',
          location: 'Authorization',
        });
      return listDirectoryUsers(directory, auth, url, res);
    }
    sendGoogleError(res, 404, { reason: 'notFound', message: 'Not Found' });
  }

  async function calendarRoute(method: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = oauth.authenticate(req);
    if (!auth) {
      return sendGoogleError(
        res,
        401,
        { reason: 'authError', message: 'Invalid Credentials', locationType: 'header', location: 'Authorization' },
        { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      );
    }
    if (usageLimitExceeded.has(auth.email)) {
      return sendGoogleError(res, 403, { domain: 'usageLimits', reason: 'quotaExceeded', message: 'Calendar usage limits exceeded.' });
    }
    const refusal = usage?.admit(auth.clientId, auth.email);
    if (refusal) return sendGoogleError(res, 403, refusal);
    const allowed = (scopes: string[]): boolean => scopes.some((scope) => auth.scopes.has(scope));
    const forbidden = (): void =>
      sendGoogleError(res, 403, { reason: 'insufficientPermissions', message: 'Request had insufficient authentication scopes.' });
    const account = store.ensureAccount(auth.email);
    const body = method === 'GET' || method === 'DELETE' ? undefined : await readJson(req);
    const api: ApiRequest = { method, url, headers: req.headers, body, account };
    const segments = url.pathname
      .slice('/calendar/v3/'.length)
      .split('/')
      .map((s) => decodeURIComponent(s));

    if (segments[0] === 'users' && segments[1] === 'me' && segments[2] === 'calendarList' && segments.length === 3 && method === 'GET') {
      return allowed(LIST_SCOPES) ? events.calendarList(api, res) : forbidden();
    }
    if (segments[0] === 'freeBusy' && segments.length === 1 && method === 'POST') {
      return allowed(READ_SCOPES) ? freeBusy(store, body, res) : forbidden();
    }
    if (segments[0] === 'channels' && segments[1] === 'stop' && segments.length === 2 && method === 'POST') {
      return push.stop(body, account.email, res);
    }
    if (segments[0] === 'calendars' && segments[1] !== undefined) {
      const calendar = events.calendarOf(account, segments[1]);
      if (!calendar) return sendGoogleError(res, 404, { reason: 'notFound', message: 'Not Found' });
      const rest = segments.slice(2);
      const write = method !== 'GET';
      if (!allowed(write && !(rest[1] === 'watch') ? WRITE_SCOPES : READ_SCOPES)) return forbidden();
      if (rest.length === 0 && method === 'GET') return events.getCalendar(api, res, calendar);
      if (rest[0] === 'events') {
        if (rest.length === 1 && method === 'GET') return events.list(api, res, calendar);
        if (rest.length === 1 && method === 'POST') return events.insert(api, res, calendar);
        if (rest.length === 2 && rest[1] === 'watch' && method === 'POST') return push.watch(calendar, body, res);
        if (rest.length === 3 && rest[2] === 'instances' && method === 'GET') return events.instances(api, res, calendar, rest[1]!);
        if (rest.length === 2) {
          const eventId = rest[1]!;
          if (method === 'GET') return events.get(api, res, calendar, eventId);
          if (method === 'PATCH') return events.modify(api, res, calendar, eventId, 'patch');
          if (method === 'PUT') return events.modify(api, res, calendar, eventId, 'update');
          if (method === 'DELETE') return events.delete(api, res, calendar, eventId);
        }
      }
    }
    sendGoogleError(res, 404, { reason: 'notFound', message: 'Not Found' });
  }

  async function controlRoute(method: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const segments = url.pathname
      .slice('/__fake/'.length)
      .split('/')
      .map((s) => decodeURIComponent(s));
    const body = (method === 'GET' || method === 'DELETE' ? undefined : await readJson(req)) as Record<string, unknown> | undefined;
    const calendarId = typeof body?.calendarId === 'string' ? body.calendarId : (url.searchParams.get('calendarId') ?? undefined);
    const [first, email, sub, id] = segments;
    if (first === 'health' && method === 'GET') return sendJson(res, 200, { ok: true, provider: 'google' });
    if (first === 'workspace' && workspace.route(method, segments, body, res)) return;
    if (first === 'clients' && method === 'POST') {
      fake.registerClient(String(body?.clientId), String(body?.clientSecret));
      return sendEmpty(res, 204);
    }
    if (first === 'faults' && method === 'POST') {
      fake.injectFault(body as unknown as GoogleFaultSpec);
      return sendEmpty(res, 204);
    }
    if (first === 'faults' && method === 'DELETE') {
      fake.clearFaults();
      return sendEmpty(res, 204);
    }
    if (first === 'expire-access-tokens' && method === 'POST') {
      fake.expireAccessTokens(typeof body?.email === 'string' ? body.email : undefined);
      return sendEmpty(res, 204);
    }
    if (first === 'expire-sync-cursors' && method === 'POST') {
      fake.expireSyncCursors(typeof body?.email === 'string' ? body.email : undefined);
      return sendEmpty(res, 204);
    }
    if (first === 'requests' && method === 'GET') return sendJson(res, 200, { requests: fake.requests() });
    if (first === 'requests' && method === 'DELETE') {
      fake.clearRequests();
      return sendEmpty(res, 204);
    }
    if (first === 'usage' && method === 'GET') return sendJson(res, 200, fake.usageStats());
    if (first === 'usage' && method === 'DELETE') {
      fake.resetUsage();
      return sendEmpty(res, 204);
    }
    if (first === 'refresh-token-rotation' && method === 'PUT') {
      fake.setRefreshTokenRotation(body?.rotate === true);
      return sendEmpty(res, 204);
    }
    if (first === 'accounts' && email !== undefined) {
      if (sub === undefined && (method === 'PUT' || method === 'POST'))
        return sendJson(res, 200, { calendarId: fake.ensureAccount(email) });
      if (sub === 'granted-scopes' && method === 'PUT') {
        fake.setGrantedScopes(email, Array.isArray(body?.scopes) ? (body.scopes as string[]) : null);
        return sendEmpty(res, 204);
      }
      if (sub === 'usage-limit-exceeded' && method === 'PUT') {
        fake.setUsageLimitExceeded(email, body?.exceeded === true);
        return sendEmpty(res, 204);
      }
      if (sub === 'calendars' && id === undefined && method === 'POST') {
        const name = typeof body?.name === 'string' ? body.name : 'Calendar';
        const timeZone = typeof body?.timeZone === 'string' ? body.timeZone : undefined;
        return sendJson(res, 200, {
          calendarId: fake.addCalendar(email, { name, ...(timeZone ? { timeZone } : {}), readOnly: body?.readOnly === true }),
        });
      }
      if (sub === 'calendars' && id !== undefined && method === 'PUT') {
        fake.setCalendarAccess(email, id, body?.role === 'reader' ? 'reader' : 'owner');
        return sendEmpty(res, 204);
      }
      if (sub === 'calendars' && id !== undefined && method === 'DELETE') {
        fake.deleteCalendar(email, id);
        return sendEmpty(res, 204);
      }
      if (sub === 'revoke' && method === 'POST') {
        fake.revokeGrants(email);
        return sendEmpty(res, 204);
      }
      if (sub === 'recreate' && method === 'POST') {
        fake.recreateAccount(email);
        return sendEmpty(res, 204);
      }
      if (sub === 'consent' && method === 'PUT') {
        fake.declineScopes(email, Array.isArray(body?.decline) ? body.decline.map(String) : []);
        return sendEmpty(res, 204);
      }
      if (sub === 'channels' && method === 'GET') return sendJson(res, 200, { channels: fake.listPushChannels(email) });
      if (sub === 'events' && id === undefined && method === 'GET')
        return sendJson(res, 200, { events: fake.listEvents(email, calendarId) });
      if (sub === 'events' && id === undefined && method === 'POST') {
        const seeds = Array.isArray(body?.events) ? (body.events as FakeEventSeed[]) : [];
        return sendJson(res, 200, { ids: fake.seedEvents(email, seeds, calendarId) });
      }
      if (sub === 'events' && id !== undefined && method === 'PATCH') {
        fake.updateEventAsProvider(email, id, (body?.patch ?? {}) as Partial<FakeEventSeed>, calendarId);
        return sendEmpty(res, 204);
      }
      if (sub === 'events' && id !== undefined && method === 'DELETE') {
        fake.deleteEventAsProvider(email, id, calendarId);
        return sendEmpty(res, 204);
      }
    }
    sendJson(res, 404, { error: 'unknown control route' });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      if (error instanceof BodyError) return sendGoogleError(res, 400, { reason: 'parseError', message: 'Parse Error' });
      if (error instanceof ControlError) return sendJson(res, 400, { error: error.message });
      sendGoogleError(res, 500, { reason: 'backendError', message: 'Backend Error' });
    });
  });
  // Real front ends keep idle connections far longer than clients do: the client, not the server, closes
  // them, so a reused connection is never closed under it (a race that shows as a network error under load).
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const fake: GoogleFake = {
    provider: 'google',
    baseUrl,
    endpoints: {
      authorizeUrl: `${baseUrl}/o/oauth2/v2/auth`,
      tokenUrl: `${baseUrl}/token`,
      revokeUrl: `${baseUrl}/revoke`,
      userinfoUrl: `${baseUrl}/oauth2/v3/userinfo`,
      apiRootUrl: `${baseUrl}/`,
    },
    registerClient: (clientId, clientSecret) => saving(oauth.registerClient(clientId, clientSecret)),
    ensureAccount: (email) => saving(control.ensureAccount(email)),
    recreateAccount: (email) => {
      oauth.revokeGrants(email);
      store.recreateAccount(email);
      saveSoon();
    },
    declineScopes: (email, scopes) => saving(oauth.declineScopes(email, scopes)),
    addCalendar: (email, input) => saving(control.addCalendar(email, input)),
    listEvents: (email, calendarId) => control.listEvents(email, calendarId),
    seedEvent: (email, event, calendarId) => control.seedEvents(email, [event], calendarId)[0]!,
    seedEvents: (email, seeds, calendarId) => control.seedEvents(email, seeds, calendarId),
    updateEventAsProvider: (email, eventId, patch, calendarId) => control.updateEvent(email, eventId, patch, calendarId),
    deleteEventAsProvider: (email, eventId, calendarId) => control.deleteEvent(email, eventId, calendarId),
    authorize: (authorizationUrl, email) => authorizeAsUser(baseUrl, authorizationUrl, email),
    revokeGrants: (email) => saving(oauth.revokeGrants(email)),
    setGrantedScopes: (email, scopes) => saving(oauth.setGrantedScopes(email, scopes)),
    setUsageLimitExceeded(email, exceeded) {
      if (exceeded) usageLimitExceeded.add(email.toLowerCase());
      else usageLimitExceeded.delete(email.toLowerCase());
    },
    deleteCalendar(email, calendarId) {
      const account = store.ensureAccount(email);
      if (!store.removeCalendar(account, calendarId)) throw new ControlError('unknown or primary calendar');
      saveSoon();
    },
    usageStats: () => usage?.stats() ?? { perProject: {}, perUser: {}, refused: 0 },
    resetUsage: () => usage?.reset(),
    createWorkspaceDomain: (domain, input) => saving(workspace.createDomain(domain, input)),
    registerServiceAccount: (input) => saving(workspace.registerServiceAccount(input)),
    grantDomainWideDelegation: (domain, clientId, scopes) => saving(workspace.grantDelegation(domain, clientId, scopes)),
    withdrawDomainWideDelegation: (domain, clientId) => saving(workspace.withdrawDelegation(domain, clientId)),
    setWorkspaceUserSuspended: (email, suspended) => saving(workspace.setUserSuspended(email, suspended)),
    setRefreshTokenRotation: (on) => oauth.setRefreshTokenRotation(on),
    setCalendarAccess(email, calendarId, role) {
      const calendar = events.calendarOf(store.ensureAccount(email), calendarId);
      if (!calendar || calendar.primary) throw new ControlError('unknown or primary calendar');
      calendar.accessRole = role;
      saveSoon();
    },
    expireAccessTokens: (email) => saving(oauth.expireAccessTokens(email)),
    expireSyncCursors: (email) => saving(control.expireSyncCursors(email)),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    listPushChannels: (email) =>
      push.list(email).map((channel) => ({ id: channel.id, expiresAt: new Date(channel.expiration), address: channel.address })),
    issuedSecrets: () => [...oauth.issuedSecrets(), ...serviceAccounts.issuedSecrets()],
    requests: () => [...requestLog],
    clearRequests: () => {
      requestLog = [];
    },
    async close() {
      await push.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      persistence?.close();
    },
    get stateFile() {
      return persistence?.file;
    },
  };
  return fake;
}

/** Google's per-user and per-project request limits, when a test asks the fake to enforce them. */
function usageLimits(limits: GoogleFakeOptions['limits']) {
  if (!limits) return undefined;
  const windowMs = limits.windowMs ?? 60_000;
  const perUser = new SlidingWindowLimiter({ requests: limits.perUser ?? 600, windowMs });
  const perProject = new SlidingWindowLimiter({ requests: limits.perProject ?? 10_000, windowMs });
  return {
    /** Counts the request; a refusal in Google's terms when it is over a limit. */
    admit(clientId: string, email: string) {
      const user = `${clientId}:${email}`;
      if (!perUser.hasRoom(user)) {
        perUser.refuse();
        return { domain: 'usageLimits', reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' };
      }
      if (!perProject.admit(clientId)) return { domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' };
      perUser.admit(user);
      return undefined;
    },
    reset() {
      perUser.reset();
      perProject.reset();
    },
    stats() {
      const user = perUser.stats();
      const project = perProject.stats();
      return { perProject: project.maxInWindow, perUser: user.maxInWindow, refused: user.refused + project.refused };
    },
  };
}
