// Graph change-notification subscriptions for Outlook events: the validationToken handshake before creating
// (and for lifecycleNotificationUrl), clientState, at most 4230 minutes of lifetime, renew by PATCH, delete,
// and delivery of change and lifecycle notifications with a few retries.
//
// Sandbox relaxations (documented here because the real service differs):
// - Real Graph requires an https notificationUrl reachable from the internet, and so does the fake unless it
//   was started with `allowLoopbackHttp` (the sandbox and the test stack: the local API serves plain HTTP).
// - The fake only ever delivers to loopback hosts (127.0.0.0/8, ::1, localhost): it must not generate traffic
//   anywhere else, so other hosts are refused with 400 like an unreachable endpoint.
// - Graph retries failed deliveries for up to 4 hours; the fake retries 3 times within a few seconds.
import { GraphHttpError, badRequest } from './graph-errors';
import { newGuid } from './ids';
import type { Account } from './model';

export interface Subscription {
  id: string;
  email: string;
  tenantId: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expirationDateTime: Date;
  applicationId: string;
  /** reauthorizationRequired was sent: no notifications until the subscription is renewed or reauthorized. */
  needsReauthorization?: boolean;
  /** Made with an app-only token (`<tenantId>:<clientId>`): only that app sees it; `email` is the watched mailbox. */
  app?: string;
}

/** Who manages a subscription: the signed-in mailbox (delegated) or an app in a tenant (app-only). */
export type SubscriptionOwner = { email: string } | { app: string };

/** Subscriptions as plain JSON, for the sandbox state file. */
export type SubscriptionsState = Array<Omit<Subscription, 'expirationDateTime'> & { expirationDateTime: string }>;

const MAX_MINUTES = 4230;
const VALIDATION_TIMEOUT_MS = 10_000;
const DELIVERY_TIMEOUT_MS = 3_000;
const RETRY_DELAYS_MS = [200, 1000, 3000];

function checkUrl(value: unknown, field: string, allowHttp: boolean): string {
  if (typeof value !== 'string') throw badRequest(`${field} is required.`, 'InvalidRequest');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`Invalid ${field}.`, 'InvalidRequest');
  }
  // What Graph answers for an http URL is not documented word for word (unconfirmed); it refuses it with 400.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowHttp)) {
    throw badRequest(`The ${field} must be an https URL.`, 'InvalidRequest');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!(host === 'localhost' || host === '::1' || /^127\./.test(host))) {
    throw badRequest(
      `Subscription validation request failed. ${field} host is not reachable from the sandbox (loopback only).`,
      'ValidationError',
    );
  }
  return value;
}

function checkExpiration(value: unknown): Date {
  const when = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(when.getTime())) throw badRequest('expirationDateTime is required.', 'InvalidRequest');
  if (when.getTime() <= Date.now()) throw badRequest('Subscription expiration can only be in the future.', 'ExtensionError');
  if (when.getTime() > Date.now() + MAX_MINUTES * 60_000) {
    throw badRequest(`Subscription expiration can only be ${MAX_MINUTES} minutes in the future.`, 'ExtensionError');
  }
  return when;
}

async function validateEndpoint(url: string): Promise<void> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${newGuid()}`;
  const target = new URL(url);
  target.searchParams.set('validationToken', token);
  let ok: boolean;
  try {
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: '',
      signal: AbortSignal.timeout(VALIDATION_TIMEOUT_MS),
    });
    const text = await res.text();
    ok = res.status === 200 && (res.headers.get('content-type') ?? '').startsWith('text/plain') && text === token;
  } catch {
    ok = false;
  }
  if (!ok) {
    throw badRequest(
      'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
      'ValidationError',
    );
  }
}

export class SubscriptionManager {
  private readonly subscriptions = new Map<string, Subscription>();
  /** Deliveries in flight, so close() can wait for them. */
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly applicationId: string,
    private readonly allowLoopbackHttp = false,
  ) {}

  exportState(): SubscriptionsState {
    return [...this.subscriptions.values()].map((s) => ({ ...s, expirationDateTime: s.expirationDateTime.toISOString() }));
  }

  importState(state: SubscriptionsState): void {
    this.subscriptions.clear();
    for (const s of state) this.subscriptions.set(s.id, { ...s, expirationDateTime: new Date(s.expirationDateTime) });
  }

  toJson(s: Subscription) {
    return {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity',
      id: s.id,
      resource: s.resource,
      applicationId: s.applicationId,
      changeType: s.changeType,
      clientState: s.clientState,
      notificationUrl: s.notificationUrl,
      notificationQueryOptions: null,
      lifecycleNotificationUrl: s.lifecycleNotificationUrl,
      expirationDateTime: s.expirationDateTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      creatorId: newGuid(),
      includeResourceData: null,
      latestSupportedTlsVersion: 'v1_2',
      encryptionCertificate: null,
      encryptionCertificateId: null,
      notificationUrlAppId: null,
    };
  }

  async create(account: Account, tenantId: string, body: Record<string, unknown>, app?: string): Promise<Subscription> {
    const changeType = typeof body.changeType === 'string' ? body.changeType : '';
    const kinds = changeType.split(',').map((s) => s.trim());
    if (!changeType || kinds.some((k) => !['created', 'updated', 'deleted'].includes(k)))
      throw badRequest('Invalid changeType.', 'InvalidRequest');
    const resource = typeof body.resource === 'string' ? body.resource.replace(/^\//, '') : '';
    if (!/^(me|users\/[^/]+)\/(events|calendar\/events|calendars\/[^/]+\/events)$/i.test(resource)) {
      throw badRequest(`Resource '${resource}' is not supported.`, 'InvalidRequest');
    }
    const notificationUrl = checkUrl(body.notificationUrl, 'notificationUrl', this.allowLoopbackHttp);
    const lifecycleNotificationUrl =
      body.lifecycleNotificationUrl == null
        ? null
        : checkUrl(body.lifecycleNotificationUrl, 'lifecycleNotificationUrl', this.allowLoopbackHttp);
    const expirationDateTime = checkExpiration(body.expirationDateTime);
    const clientState = typeof body.clientState === 'string' ? body.clientState : null;
    if (clientState && clientState.length > 128) throw badRequest('clientState must be at most 128 characters.', 'InvalidRequest');
    await validateEndpoint(notificationUrl);
    if (lifecycleNotificationUrl) await validateEndpoint(lifecycleNotificationUrl);
    const subscription: Subscription = {
      id: newGuid(),
      email: account.email,
      tenantId,
      resource,
      changeType,
      notificationUrl,
      lifecycleNotificationUrl,
      clientState,
      expirationDateTime,
      applicationId: this.applicationId,
      ...(app ? { app } : {}),
    };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  get(owner: SubscriptionOwner, id: string): Subscription {
    this.prune();
    const s = this.subscriptions.get(id);
    const mine = 'app' in owner ? s?.app === owner.app : s?.email === owner.email && !s.app;
    if (!s || !mine) {
      throw new GraphHttpError(404, 'ResourceNotFound', `The object was not found.`);
    }
    return s;
  }

  /** PATCH: a new expiration; renewing also reauthorizes (learn.microsoft.com/graph/webhooks-lifecycle). */
  renew(account: SubscriptionOwner, id: string, body: Record<string, unknown>): Subscription {
    const s = this.get(account, id);
    s.expirationDateTime = checkExpiration(body.expirationDateTime);
    delete s.needsReauthorization;
    return s;
  }

  /** POST /subscriptions/{id}/reauthorize. */
  reauthorize(account: SubscriptionOwner, id: string): void {
    delete this.get(account, id).needsReauthorization;
  }

  delete(account: SubscriptionOwner, id: string): void {
    this.get(account, id);
    this.subscriptions.delete(id);
  }

  list(email: string): Subscription[] {
    this.prune();
    return [...this.subscriptions.values()].filter((s) => s.email === email.toLowerCase());
  }

  /** Graph removes expired subscriptions on its own. */
  private prune(): void {
    const now = Date.now();
    for (const [id, s] of this.subscriptions) if (s.expirationDateTime.getTime() <= now) this.subscriptions.delete(id);
  }

  /** Called for every event write: notifies the account's subscriptions that cover the calendar. */
  notifyChange(account: Account, calendarId: string, eventId: string, changeType: 'created' | 'updated' | 'deleted'): void {
    // Dropped notifications are what a later `missed` lifecycle event reports.
    if (account.dropNotifications) return;
    for (const s of this.list(account.email)) {
      if (!s.changeType.split(',').includes(changeType)) continue;
      if (s.needsReauthorization) continue;
      const m = /calendars\/([^/]+)\/events$/i.exec(s.resource);
      if (m && m[1] !== calendarId) continue;
      if (!m && /calendar\/events$/i.test(s.resource) && calendarId !== account.defaultCalendarId) continue;
      this.deliver(s.notificationUrl, {
        value: [
          {
            subscriptionId: s.id,
            subscriptionExpirationDateTime: s.expirationDateTime.toISOString(),
            changeType,
            resource: `Users/${account.id}/Events/${eventId}`,
            resourceData: {
              '@odata.type': '#Microsoft.Graph.Event',
              '@odata.id': `Users/${account.id}/Events/${eventId}`,
              '@odata.etag': 'W/"DwAAABYAAAA="',
              id: eventId,
            },
            clientState: s.clientState,
            tenantId: s.tenantId,
          },
        ],
      });
    }
  }

  /** Sends a lifecycle notification; `subscriptionRemoved` also deletes the subscription, as Graph does. */
  notifyLifecycle(id: string, lifecycleEvent: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'): boolean {
    const s = this.subscriptions.get(id);
    if (!s?.lifecycleNotificationUrl) return false;
    this.deliver(s.lifecycleNotificationUrl, {
      value: [
        {
          subscriptionId: s.id,
          subscriptionExpirationDateTime: s.expirationDateTime.toISOString(),
          tenantId: s.tenantId,
          clientState: s.clientState,
          lifecycleEvent,
        },
      ],
    });
    if (lifecycleEvent === 'subscriptionRemoved') this.subscriptions.delete(id);
    if (lifecycleEvent === 'reauthorizationRequired') s.needsReauthorization = true;
    return true;
  }

  /** When a user's grant is revoked Graph drops their subscriptions and says so on the lifecycle URL. */
  removeAll(email: string): void {
    for (const s of this.list(email).filter((s) => !s.app)) {
      if (!this.notifyLifecycle(s.id, 'subscriptionRemoved')) this.subscriptions.delete(s.id);
    }
  }

  /** The app's subscriptions in a tenant, e.g. to tell it that an admin withdrew its permissions. */
  listForApp(app: string): Subscription[] {
    this.prune();
    return [...this.subscriptions.values()].filter((s) => s.app === app);
  }

  private deliver(url: string, payload: unknown): void {
    const body = JSON.stringify(payload);
    const attempt = async () => {
      for (let i = 0; i <= RETRY_DELAYS_MS.length && !this.closed; i++) {
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
          });
          await res.arrayBuffer().catch(() => undefined);
          if (res.status >= 200 && res.status < 300) return;
        } catch {
          // Unreachable or slow receiver: retried below.
        }
        const delay = RETRY_DELAYS_MS[i];
        if (delay === undefined) return;
        await new Promise((r) => setTimeout(r, delay));
      }
    };
    const p = attempt().finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.pending]);
  }
}
