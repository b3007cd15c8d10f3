// Starts the Microsoft fake: identity platform v2 + Graph v1.0 over HTTPS (the Graph client only sends the
// bearer token to https hosts), a control API under /__fake for other processes, and the in-process
// FakeProviderControl used by tests.
import { SANDBOX_MICROSOFT_CLIENT } from '../../config/sandbox';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { MicrosoftEndpoints } from '../../providers/microsoft/endpoints';
import { epochToDate } from '../../providers/microsoft/time-zones';
import type { EventTime } from '../../domain/events';
import { createTestCertificateAuthority, type TestCertificateAuthority } from '../tls/certificate-authority';
import type { FakeEventSeed, FakeProviderControl, FaultSpec } from '../types';
import { controlRouter } from './control-routes';
import { DeltaEngine } from './delta';
import { createFaultInjector, faultMiddleware } from './faults';
import { graphErrorBody } from './graph-errors';
import { graphRouter } from './graph-routes';
import { IdentityProvider } from './identity';
import { completeAuthorization, identityRouter, type AuthorizeParams } from './identity-routes';
import { newGuid, occurrenceId } from './ids';
import type { StoredEvent, StoredTime } from './model';
import { seedToWrite, storedTime } from './seed';
import { MicrosoftStore } from './store';
import { SubscriptionManager } from './subscriptions';

/** The OAuth client the sandbox registers at start (no real Microsoft app involved). */
// The sandbox client is the service's configuration (config/sandbox.ts): the fake accepts exactly that client.
export { SANDBOX_MICROSOFT_CLIENT };

export interface MicrosoftFakeOptions {
  port?: number;
  host?: string;
  /** Certificates to serve; a fresh in-memory CA when omitted. */
  tls?: TestCertificateAuthority;
  accessTokenTtlSeconds?: number;
  clients?: Array<{ clientId: string; clientSecret: string }>;
}

export interface MicrosoftFake extends FakeProviderControl {
  readonly provider: 'microsoft';
  readonly endpoints: MicrosoftEndpoints;
  /** PEM of the CA that signed the server certificate: what clients must trust. */
  readonly caCertificate: string;
  readonly tenantId: string;
  /** Sends a lifecycle notification for a subscription (Graph does this on its own schedule). */
  sendLifecycleNotification(subscriptionId: string, event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'): boolean;
}

function toEventTime(t: StoredTime, isAllDay: boolean): EventTime {
  return isAllDay
    ? { kind: 'date', date: t.wall.slice(0, 10) }
    : { kind: 'dateTime', dateTime: new Date(t.ms).toISOString(), timeZone: t.iana };
}

export async function startMicrosoftFake(options: MicrosoftFakeOptions = {}): Promise<MicrosoftFake> {
  const host = options.host ?? '127.0.0.1';
  const tls = options.tls ?? (await createTestCertificateAuthority());
  const tenantId = newGuid();
  const store = new MicrosoftStore();
  const identity = new IdentityProvider(options.accessTokenTtlSeconds ?? 3600, tenantId);
  const delta = new DeltaEngine(store);
  const subscriptions = new SubscriptionManager(newGuid());
  const faults = createFaultInjector();
  const log: Array<{ method: string; path: string; status: number }> = [];
  for (const c of options.clients ?? [SANDBOX_MICROSOFT_CLIENT]) identity.registerClient(c.clientId, c.clientSecret);
  store.onChange((account, calendarId, eventId, changeType) => subscriptions.notifyChange(account, calendarId, eventId, changeType));

  let baseUrl = '';
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    if (!req.path.startsWith('/__fake')) res.on('finish', () => log.push({ method: req.method, path: req.path, status: res.statusCode }));
    next();
  });
  app.use(faultMiddleware(faults));

  const seedOne = (email: string, seed: FakeEventSeed, calendarId?: string): string => {
    const account = store.ensureAccount(email);
    const calendar = store.calendar(account, calendarId);
    const { event } = store.createEvent(account, calendar, seedToWrite(seed));
    for (const ex of seed.exceptions ?? []) {
      const original = storedTime(ex.originalStart);
      const occId = occurrenceId(
        event.id,
        ex.originalStart.kind === 'date' ? ex.originalStart.date : epochToDate(original.ms, event.start.iana),
      );
      if (ex.cancelled) store.deleteEvent(account, occId);
      else store.updateEvent(account, occId, seedToWrite(ex.patch ?? {}));
    }
    if (seed.status === 'cancelled') store.deleteEvent(account, event.id);
    return event.id;
  };

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
    registerClient: (clientId, clientSecret) => identity.registerClient(clientId, clientSecret),
    ensureAccount: (email) => store.ensureAccount(email).defaultCalendarId,
    listEvents(email, calendarId) {
      const account = store.getAccount(email);
      if (!account) return [];
      const calendar = store.calendar(account, calendarId);
      const all: StoredEvent[] = [...calendar.events.values(), ...calendar.exceptions.values()];
      return all.map((e) => ({
        id: e.id,
        title: e.subject,
        status: e.isCancelled ? 'cancelled' : e.showAs === 'tentative' ? 'tentative' : 'confirmed',
        start: toEventTime(e.start, e.isAllDay),
        end: toEventTime(e.end, e.isAllDay),
      }));
    },
    seedEvent: seedOne,
    seedEvents: (email, seeds, calendarId) => seeds.map((s) => seedOne(email, s, calendarId)),
    updateEventAsProvider(email, eventId, patch, calendarId) {
      const account = store.ensureAccount(email);
      if (patch.status === 'cancelled') store.deleteEvent(account, eventId, { calendarId });
      else store.updateEvent(account, eventId, seedToWrite(patch), { calendarId });
    },
    deleteEventAsProvider(email, eventId, calendarId) {
      store.deleteEvent(store.ensureAccount(email), eventId, { calendarId });
    },
    async authorize(authorizationUrl, email) {
      const url = new URL(authorizationUrl);
      if (!url.pathname.endsWith('/oauth2/v2.0/authorize')) throw new Error('not a Microsoft authorize URL');
      const params = Object.fromEntries(url.searchParams) as AuthorizeParams;
      const outcome = completeAuthorization(identity, store, params, email);
      if ('error' in outcome) throw new Error(outcome.error);
      const redirect = new URL(outcome.redirect);
      const code = redirect.searchParams.get('code');
      if (!code) throw new Error(`authorization failed: ${redirect.searchParams.get('error') ?? 'no code'}`);
      return { code, state: redirect.searchParams.get('state') ?? '', redirectUri: params.redirect_uri ?? '' };
    },
    revokeGrants(email) {
      identity.revokeGrants(email);
      subscriptions.removeAll(email);
    },
    expireAccessTokens: (email) => identity.expireAccessTokens(email),
    expireSyncCursors(email) {
      for (const a of store.allAccounts()) if (!email || a.email === email.toLowerCase()) a.syncGeneration += 1;
    },
    injectFault: (fault: FaultSpec) => faults.add(fault),
    clearFaults: () => faults.clear(),
    listPushChannels: (email) =>
      subscriptions.list(email).map((s) => ({ id: s.id, expiresAt: s.expirationDateTime, address: s.notificationUrl })),
    issuedSecrets: () => identity.issuedSecrets(),
    requests: () => [...log],
    clearRequests: () => {
      log.length = 0;
    },
    sendLifecycleNotification: (id, event) => subscriptions.notifyLifecycle(id, event),
    async close() {
      await subscriptions.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  app.use('/__fake', controlRouter(fake));
  app.use(identityRouter(identity, store));
  app.use('/v1.0', graphRouter({ store, identity, delta, subscriptions, tenantId, baseUrl: () => baseUrl }));
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return fake;
}
