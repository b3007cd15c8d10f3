// Starts the Microsoft fake: identity platform v2 + Graph v1.0 over HTTPS (the Graph client only sends the
// bearer token to https hosts), a control API under /__fake for other processes, and the in-process
// FakeProviderControl used by tests.
import { SANDBOX_MICROSOFT_CLIENT } from '../../config/sandbox';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { StateFile } from '../persistence/state-file';
import { createTestCertificateAuthority, type TestCertificateAuthority } from '../tls/certificate-authority';
import { createTrustingDispatcher } from '../tls/trusting-dispatcher';
import { ConcurrencyLimiter, SlidingWindowLimiter } from '../http/usage-limits';
import type { FakeEventSeed, FakeProviderControl, FaultSpec, SeedTime } from '../types';
import { adminConsentRouter } from './admin-consent';
import { appOnlyRouter } from './app-only-routes';
import { AppTokens, type AppTokensState } from './app-tokens';
import { controlRouter } from './control-routes';
import { DeltaEngine, type DeltaEngineState } from './delta';
import { createFaultInjector, faultMiddleware } from './faults';
import { graphErrorBody } from './graph-errors';
import { dateIn, requireZone } from './graph-time';
import { BATCH_ITEM_HEADER, graphRouter } from './graph-routes';
import { IdentityProvider, type IdentityState } from './identity';
import { completeAuthorization, identityRouter, type AuthorizeParams } from './identity-routes';
import { newGuid, occurrenceId } from './ids';
import type { StoredEvent } from './model';
import { seriesZone } from './occurrences';
import { seedToWrite } from './seed';
import { MicrosoftStore, type MicrosoftStoreState } from './store';
import { SubscriptionManager, type SubscriptionsState } from './subscriptions';
import { TenantControl, type SandboxTenant } from './tenant-control';
import { Tenants, type TenantsState } from './tenants';

/** The OAuth client the sandbox registers at start (no real Microsoft app involved). */
// The sandbox client is the service's configuration (config/sandbox.ts): the fake accepts exactly that client.
export { SANDBOX_MICROSOFT_CLIENT };

/** Where a Microsoft client must send its requests to reach this fake (the shape the Microsoft adapter takes). */
export interface MicrosoftFakeEndpoints {
  /** Identity platform authority including the tenant. */
  authorityUrl: string;
  /** Graph root without version. */
  graphBaseUrl: string;
}

export interface MicrosoftFakeOptions {
  port?: number;
  host?: string;
  /** Certificates to serve; a fresh in-memory CA when omitted. */
  tls?: TestCertificateAuthority;
  accessTokenTtlSeconds?: number;
  clients?: Array<{ clientId: string; clientSecret: string }>;
  /**
   * Keep mailboxes, grants and tokens, calendars, events, delta links and subscriptions in this file across
   * restarts (the sandbox). Without it the fake lives in memory only (tests).
   */
  stateFile?: string;
  /**
   * Accept `http://` notification URLs on loopback hosts. Graph requires https, and so does the fake by default;
   * the sandbox and the test stack turn this on, since the local API serves http.
   */
  allowLoopbackHttp?: boolean;
  /**
   * Enforce Outlook's per-mailbox limits (Graph: 4 concurrent requests, 10,000 per 10 minutes per app per
   * mailbox): over them, 429 with Retry-After. Off by default.
   */
  limits?: { mailboxConcurrency?: number; perMailbox?: number; windowMs?: number };
}

/** What the state file holds; the tenant and application ids stay the same across restarts too. */
interface MicrosoftFakeState {
  tenantId: string;
  applicationId: string;
  store: MicrosoftStoreState;
  identity: IdentityState;
  delta: DeltaEngineState;
  subscriptions: SubscriptionsState;
  /** Sandbox tenants, their consents and the app-only tokens issued (absent in older state files). */
  tenants?: TenantsState;
  appTokens?: AppTokensState;
}

export interface MicrosoftFake extends FakeProviderControl {
  readonly provider: 'microsoft';
  readonly endpoints: MicrosoftFakeEndpoints;
  /** PEM of the CA that signed the server certificate: what clients must trust. */
  readonly caCertificate: string;
  readonly tenantId: string;
  /** The state file in use (undefined: in memory only). */
  readonly stateFile: string | undefined;
  /** Sends a lifecycle notification for a subscription (Graph does this on its own schedule). */
  sendLifecycleNotification(subscriptionId: string, event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'): boolean;
  /** A secondary calendar; `accessDenied`: shared or delegated, its events answer 403 ErrorAccessDenied. */
  addCalendar(email: string, input: { name: string; readOnly?: boolean; accessDenied?: boolean }): string;
  /** Whether the grant reaches the calendar (false: 403 ErrorAccessDenied on its events). */
  setCalendarAccess(email: string, calendarId: string, access: 'granted' | 'denied'): void;
  /** Deletes a secondary calendar (or stops sharing it): its requests answer 404 ErrorItemNotFound. */
  deleteCalendar(email: string, calendarId: string): void;
  /** The mailbox's zone (IANA): all-day events seeded from now on are written in it, as Outlook does. */
  setMailboxTimeZone(email: string, timeZone: string): void;
  /** A personal Microsoft account (getSchedule unsupported), or a work account again. */
  setPersonalAccount(email: string, personal: boolean): void;
  /** Drop the mailbox's change notifications (what a later `missed` lifecycle event reports), or deliver them again. */
  setNotificationsDropped(email: string, dropped: boolean): void;
  /** With `limits`: the most concurrent requests and requests per window seen per mailbox, and refusals. */
  usageStats(): { maxConcurrent: Record<string, number>; perMailbox: Record<string, number>; refused: number };
  /** Forgets what the limits counted so far. */
  resetUsage(): void;
  /** A sandbox tenant (organization) `domain` with `count` users (default 5) `user1@domain` ..., each a mailbox. */
  createTenant(domain: string, input?: { count?: number; eventsPerUser?: number; displayName?: string }): SandboxTenant;
  /** The Graph application permissions an app registration lists (default Calendars.ReadWrite, User.Read.All). */
  setAppPermissions(clientId: string, roles: string[]): void;
  /** Admin consent given directly (the app's listed roles, or these). */
  grantAdminConsent(tenant: string, clientId: string, roles?: string[]): void;
  /** The admin removes the app: client credentials answer AADSTS700016; subscriptions get reauthorizationRequired. */
  withdrawAdminConsent(tenant: string, clientId: string): void;
  /** The next admin consent in the tenant is declined (Cancel). */
  declineNextAdminConsent(tenant: string, decline: boolean): void;
  /** Follows an admin consent URL as the tenant's admin; the URL Microsoft redirects back to. */
  adminConsent(url: string, input?: { adminEmail?: string; decline?: boolean }): URL;
}

/** A stored start or end as a seed time (the control API speaks seeds). */
function toSeedTime(event: StoredEvent, which: 'start' | 'end'): SeedTime {
  const time = event.json[which];
  if (event.json.isAllDay) return { kind: 'date', date: time.dateTime.slice(0, 10) };
  const ms = which === 'start' ? event.startMs : event.endMs;
  return { kind: 'dateTime', dateTime: new Date(ms).toISOString(), timeZone: requireZone(time.timeZone) };
}

/** The date an occurrence has in its series, from a seed's original start. */
function occurrenceDate(master: StoredEvent, originalStart: SeedTime): string {
  if (originalStart.kind === 'date') return originalStart.date;
  return dateIn(Date.parse(originalStart.dateTime), seriesZone(master));
}

export async function startMicrosoftFake(options: MicrosoftFakeOptions = {}): Promise<MicrosoftFake> {
  const host = options.host ?? '127.0.0.1';
  const tls = options.tls ?? (await createTestCertificateAuthority());
  const persistence = options.stateFile ? new StateFile<MicrosoftFakeState>(options.stateFile, { provider: 'microsoft' }) : undefined;
  const saved = persistence?.read();
  const tenantId = saved?.tenantId ?? newGuid();
  const applicationId = saved?.applicationId ?? newGuid();
  const store = new MicrosoftStore();
  const identity = new IdentityProvider(options.accessTokenTtlSeconds ?? 3600, tenantId);
  const delta = new DeltaEngine(store);
  const subscriptions = new SubscriptionManager(applicationId, options.allowLoopbackHttp ?? false);
  const usage = mailboxLimits(options.limits);
  const tenants = new Tenants();
  const appTokens = new AppTokens(tenants, identity, options.accessTokenTtlSeconds ?? 3600);
  if (saved) {
    tenants.importState(saved.tenants);
    appTokens.importState(saved.appTokens);
    store.importState(saved.store);
    identity.importState(saved.identity);
    delta.importState(saved.delta);
    subscriptions.importState(saved.subscriptions);
  }
  persistence?.track(() => ({
    tenantId,
    applicationId,
    store: store.exportState(),
    identity: identity.exportState(),
    delta: delta.exportState(),
    subscriptions: subscriptions.exportState(),
    tenants: tenants.exportState(),
    appTokens: appTokens.exportState(),
  }));
  /** The state changed: saved a little later when there is a state file. */
  const saveSoon = (): void => persistence?.changed();
  /** Passes a control method's result through, saving soon. */
  const saving = <T>(result: T): T => {
    saveSoon();
    return result;
  };
  const faults = createFaultInjector();
  const log: Array<{ method: string; path: string; status: number }> = [];
  for (const c of options.clients ?? [SANDBOX_MICROSOFT_CLIENT]) identity.registerClient(c.clientId, c.clientSecret);
  store.onChange((account, calendarId, eventId, changeType) => {
    subscriptions.notifyChange(account, calendarId, eventId, changeType);
    saveSoon();
  });

  let baseUrl = '';
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    // A $batch's own requests to this server are not the client's requests: the log shows the $batch only.
    const client = !req.path.startsWith('/__fake') && req.get(BATCH_ITEM_HEADER) === undefined;
    if (client) res.on('finish', () => log.push({ method: req.method, path: req.path, status: res.statusCode }));
    // Any request may change state (codes, tokens, delta links, subscriptions): one throttled save covers them.
    res.on('finish', saveSoon);
    next();
  });
  app.use(faultMiddleware(faults));

  const seedOne = (email: string, seed: FakeEventSeed, calendarId?: string): string => {
    const account = store.ensureAccount(email);
    const calendar = store.calendar(account, calendarId);
    const { event } = store.createEvent(account, calendar, seedToWrite(seed, account.timeZone));
    if (seed.reportedZoneName) {
      // What Graph reports for a legacy custom zone or a zone it names by display name; the instants stay exact.
      event.json.originalStartTimeZone = seed.reportedZoneName;
      event.json.originalEndTimeZone = seed.reportedZoneName;
    }
    for (const ex of seed.exceptions ?? []) {
      const occId = occurrenceId(event.json.id, occurrenceDate(event, ex.originalStart));
      if (ex.cancelled) store.deleteEvent(account, occId);
      else store.updateEvent(account, occId, seedToWrite(ex.patch ?? {}, account.timeZone));
    }
    if (seed.status === 'cancelled') store.deleteEvent(account, event.json.id);
    return event.json.id;
  };

  const tenantControl = new TenantControl({
    tenants,
    identity,
    store,
    appTokens,
    subscriptions,
    seedEvents: (email, seeds) => seeds.map((seed) => seedOne(email, seed)),
  });

  const fake: MicrosoftFake = {
    provider: 'microsoft',
    get baseUrl() {
      return baseUrl;
    },
    get endpoints() {
      return { authorityUrl: `${baseUrl}/common`, graphBaseUrl: baseUrl };
    },
    caCertificate: tls.caCertificate,
    tenantId,
    get stateFile() {
      return persistence?.file;
    },
    registerClient: (clientId, clientSecret) => saving(identity.registerClient(clientId, clientSecret)),
    ensureAccount: (email) => saving(store.ensureAccount(email).defaultCalendarId),
    recreateAccount(email) {
      identity.revokeGrants(email);
      store.recreateAccount(email);
      saveSoon();
    },
    listEvents(email, calendarId) {
      const account = store.getAccount(email);
      if (!account) return [];
      const calendar = store.calendar(account, calendarId);
      const all: StoredEvent[] = [...calendar.events.values(), ...calendar.exceptions.values()];
      return all.map((e) => ({
        id: e.json.id,
        title: e.json.subject,
        status: e.json.isCancelled ? 'cancelled' : e.json.showAs === 'tentative' ? 'tentative' : 'confirmed',
        start: toSeedTime(e, 'start'),
        end: toSeedTime(e, 'end'),
      }));
    },
    seedEvent: seedOne,
    seedEvents: (email, seeds, calendarId) => seeds.map((s) => seedOne(email, s, calendarId)),
    updateEventAsProvider(email, eventId, patch, calendarId) {
      const account = store.ensureAccount(email);
      if (patch.status === 'cancelled') return store.deleteEvent(account, eventId, { calendarId });
      // A new rule is written with the event's start, which it needs for its range.
      const current = patch.recurrence && !patch.start ? store.findEvent(account, eventId, calendarId)?.event : undefined;
      const start = current ? toSeedTime(current, 'start') : patch.start;
      store.updateEvent(account, eventId, seedToWrite({ ...patch, ...(start ? { start } : {}) }, account.timeZone), { calendarId });
    },
    deleteEventAsProvider(email, eventId, calendarId) {
      store.deleteEvent(store.ensureAccount(email), eventId, { calendarId });
    },
    async authorize(authorizationUrl, email) {
      const url = new URL(authorizationUrl);
      if (!url.pathname.endsWith('/oauth2/v2.0/authorize')) throw new Error('not a Microsoft authorize URL');
      const params = Object.fromEntries(url.searchParams) as AuthorizeParams;
      const outcome = saving(completeAuthorization(identity, store, params, email));
      if ('error' in outcome) throw new Error(outcome.error);
      const redirect = new URL(outcome.redirect);
      const code = redirect.searchParams.get('code');
      if (!code) throw new Error(`authorization failed: ${redirect.searchParams.get('error') ?? 'no code'}`);
      return { code, state: redirect.searchParams.get('state') ?? '', redirectUri: params.redirect_uri ?? '' };
    },
    revokeGrants(email) {
      identity.revokeGrants(email);
      subscriptions.removeAll(email);
      saveSoon();
    },
    expireAccessTokens(email) {
      identity.expireAccessTokens(email);
      if (!email) appTokens.expire();
      saveSoon();
    },
    expireSyncCursors(email) {
      for (const a of store.allAccounts()) if (!email || a.email === email.toLowerCase()) a.syncGeneration += 1;
      saveSoon();
    },
    injectFault: (fault: FaultSpec) => faults.add(fault),
    clearFaults: () => faults.clear(),
    listPushChannels: (email) =>
      subscriptions.list(email).map((s) => ({ id: s.id, expiresAt: s.expirationDateTime, address: s.notificationUrl })),
    issuedSecrets: () => [...identity.issuedSecrets(), ...appTokens.issuedSecrets()],
    requests: () => [...log],
    clearRequests: () => {
      log.length = 0;
    },
    sendLifecycleNotification: (id, event) => saving(subscriptions.notifyLifecycle(id, event)),
    addCalendar(email, input) {
      const account = store.ensureAccount(email);
      return saving(store.addCalendar(account, { name: input.name, canEdit: !input.readOnly, accessDenied: input.accessDenied }).id);
    },
    setCalendarAccess(email, calendarId, access) {
      const calendar = store.calendar(store.ensureAccount(email), calendarId);
      if (access === 'denied') calendar.accessDenied = true;
      else delete calendar.accessDenied;
      saveSoon();
    },
    deleteCalendar(email, calendarId) {
      if (!store.removeCalendar(store.ensureAccount(email), calendarId)) throw new Error('unknown or default calendar');
      saveSoon();
    },
    setMailboxTimeZone(email, timeZone) {
      store.ensureAccount(email).timeZone = timeZone;
      saveSoon();
    },
    setPersonalAccount(email, personal) {
      const account = store.ensureAccount(email);
      if (personal) account.personal = true;
      else delete account.personal;
      saveSoon();
    },
    setNotificationsDropped(email, dropped) {
      const account = store.ensureAccount(email);
      if (dropped) account.dropNotifications = true;
      else delete account.dropNotifications;
    },
    usageStats: () => usage?.stats() ?? { maxConcurrent: {}, perMailbox: {}, refused: 0 },
    resetUsage: () => usage?.reset(),
    createTenant: (domain, input) => saving(tenantControl.createTenant(domain, input)),
    setAppPermissions: (clientId, roles) => saving(tenantControl.setAppPermissions(clientId, roles)),
    grantAdminConsent: (tenant, clientId, roles) => saving(tenantControl.grantAdminConsent(tenant, clientId, roles)),
    withdrawAdminConsent: (tenant, clientId) => saving(tenantControl.withdrawAdminConsent(tenant, clientId)),
    declineNextAdminConsent: (tenant, decline) => saving(tenantControl.declineNextAdminConsent(tenant, decline)),
    adminConsent: (url, input) => saving(tenantControl.adminConsent(url, input)),
    async close() {
      await subscriptions.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      persistence?.close();
    },
  };

  app.use('/__fake', tenantControl.router());
  app.use('/__fake', controlRouter(fake));
  app.use(identityRouter(identity, store, appTokens));
  app.use(adminConsentRouter({ identity, tenants }));
  const trusting = createTrustingDispatcher(tls.caCertificate);
  app.use('/v1.0', appOnlyRouter({ store, tenants, appTokens, subscriptions, baseUrl: () => baseUrl }));
  app.use(
    '/v1.0',
    graphRouter({
      store,
      identity,
      delta,
      subscriptions,
      tenantId,
      baseUrl: () => baseUrl,
      selfFetch: (url, init) => fetch(url, { ...init, dispatcher: trusting } as unknown as RequestInit),
      ...(usage ? { limits: usage } : {}),
      appOnly: { appTokens, tenants },
    }),
  );
  // Unreadable JSON bodies and unexpected failures answer in Graph's error shape.
  app.use((error: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status = error.type === 'entity.parse.failed' ? 400 : (error.status ?? 500);
    res
      .status(status)
      .json(
        graphErrorBody(
          req,
          status === 400 ? 'BadRequest' : 'generalException',
          status === 400 ? 'Unable to read JSON request payload.' : 'An internal server error occurred.',
        ),
      );
  });

  const server = https.createServer({ cert: tls.serverCertificate, key: tls.serverKey }, app);
  // Real front ends keep idle connections far longer than clients do: the client, not the server, closes
  // them, so a reused connection is never closed under it (a race that shows as a network error under load).
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return fake;
}

/** Outlook's per-mailbox limits, when a test asks the fake to enforce them. */
function mailboxLimits(limits: MicrosoftFakeOptions['limits']) {
  if (!limits) return undefined;
  const concurrency = new ConcurrencyLimiter(limits.mailboxConcurrency ?? 4);
  const window = new SlidingWindowLimiter({ requests: limits.perMailbox ?? 10_000, windowMs: limits.windowMs ?? 600_000 });
  return {
    enter(mailbox: string) {
      if (!window.hasRoom(mailbox)) {
        window.refuse();
        return undefined;
      }
      const end = concurrency.enter(mailbox);
      if (end) window.admit(mailbox);
      return end;
    },
    reset() {
      concurrency.reset();
      window.reset();
    },
    stats() {
      const c = concurrency.stats();
      const w = window.stats();
      return { maxConcurrent: c.maxConcurrent, perMailbox: w.maxInWindow, refused: c.refused + w.refused };
    },
  };
}
