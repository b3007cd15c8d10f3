// The organization side door of the Microsoft fake: sandbox tenants with users (each a mailbox, optionally
// seeded), what an app registration asks for, and the admin's consent given, declined or withdrawn. Shared by
// the in-process methods (MicrosoftFake) and the `/__fake/tenants/...`, `/__fake/apps/...` HTTP routes.
import express, { type NextFunction, type Request, type Response } from 'express';

import { generateSandboxCalendar } from '../sandbox-calendar';
import type { FakeEventSeed } from '../types';
import { adminConsent, type AdminConsentParams } from './admin-consent';
import type { AppTokens } from './app-tokens';
import type { IdentityProvider } from './identity';
import type { MicrosoftStore } from './store';
import type { SubscriptionManager } from './subscriptions';
import type { Tenant, Tenants } from './tenants';

export interface SandboxTenant {
  tenantId: string;
  domain: string;
  users: Array<{ id: string; email: string }>;
}

export class TenantControl {
  constructor(
    private readonly deps: {
      tenants: Tenants;
      identity: IdentityProvider;
      store: MicrosoftStore;
      appTokens: AppTokens;
      subscriptions: SubscriptionManager;
      seedEvents: (email: string, seeds: FakeEventSeed[]) => string[];
    },
  ) {}

  private tenant(idOrDomain: string): Tenant {
    const tenant = this.deps.tenants.find(idOrDomain);
    if (!tenant) throw new Error(`unknown sandbox tenant ${idOrDomain}`);
    return tenant;
  }

  /** A tenant `domain` with `count` users (default 5) `user1@domain` ..., each a mailbox with `eventsPerUser` events. */
  createTenant(domain: string, input: { count?: number; eventsPerUser?: number; displayName?: string } = {}): SandboxTenant {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(domain)) throw new Error('domain must be a DNS name such as contoso.example');
    const count = input.count ?? 5;
    if (!Number.isInteger(count) || count < 1 || count > 1000) throw new Error('count must be an integer from 1 to 1000');
    const tenant = this.deps.tenants.create(domain, { count, ...(input.displayName ? { displayName: input.displayName } : {}) });
    const users = tenant.users.map((email, index) => {
      const account = this.deps.store.ensureAccount(email);
      if (input.eventsPerUser)
        this.deps.seedEvents(email, generateSandboxCalendar({ now: new Date(), count: input.eventsPerUser, seed: index + 1 }));
      return { id: account.id, email };
    });
    return { tenantId: tenant.id, domain: tenant.domain, users };
  }

  /** The application permissions (Graph app roles) an app registration lists; admin consent grants these. */
  setAppPermissions(clientId: string, roles: string[]): void {
    this.deps.tenants.setAppPermissions(clientId, roles);
  }

  /** Admin consent given directly (as in the Entra admin center), with the app's listed roles or these. */
  grantAdminConsent(tenant: string, clientId: string, roles?: string[]): void {
    if (!this.deps.identity.hasClient(clientId)) throw new Error('unknown client; register it first');
    this.deps.tenants.consent(this.tenant(tenant), clientId, roles);
  }

  /**
   * The admin deletes the app's service principal: new client-credentials requests answer AADSTS700016, the app's
   * subscriptions get `reauthorizationRequired`; tokens already issued keep their roles until they expire.
   */
  withdrawAdminConsent(tenant: string, clientId: string): void {
    const entry = this.tenant(tenant);
    if (!this.deps.tenants.withdraw(entry, clientId)) throw new Error('the app has no consent in that tenant');
    for (const s of this.deps.subscriptions.listForApp(`${entry.id}:${clientId}`)) {
      this.deps.subscriptions.notifyLifecycle(s.id, 'reauthorizationRequired');
    }
  }

  /** The next admin consent for the tenant is declined (the admin presses Cancel). */
  declineNextAdminConsent(tenant: string, decline: boolean): void {
    const entry = this.tenant(tenant);
    if (decline) entry.declineNextConsent = true;
    else delete entry.declineNextConsent;
  }

  /** Follows an admin consent URL as the tenant's admin would; returns where Microsoft redirects back to. */
  adminConsent(url: string, input: { adminEmail?: string; decline?: boolean } = {}): URL {
    const parsed = new URL(url);
    const match = /^\/([^/]+)\/(v2\.0\/)?adminconsent$/i.exec(parsed.pathname);
    if (!match) throw new Error('not an admin consent URL');
    const params = Object.fromEntries(parsed.searchParams) as AdminConsentParams;
    if (input.adminEmail) params.login_hint = input.adminEmail;
    if (input.decline) params.sandbox_decision = 'decline';
    const outcome = adminConsent(this.deps, decodeURIComponent(match[1]!), match[2] ? 'v2' : 'v1', params);
    if ('error' in outcome) throw new Error(outcome.error);
    if ('page' in outcome) throw new Error('the admin must be named (adminEmail) for an organizations/common URL');
    return new URL(outcome.redirect);
  }

  /** `/__fake/tenants/...` and `/__fake/apps/...`. */
  router(): express.Router {
    const router = express.Router();
    router.use(express.json({ limit: '50mb' }));
    const wrap = (fn: (req: Request) => unknown) => (req: Request, res: Response, next: NextFunction) => {
      try {
        res.json(fn(req) ?? { ok: true });
      } catch (error) {
        if (error instanceof Error) res.status(400).json({ error: error.message });
        else next(error);
      }
    };
    const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
    const roles = (value: unknown) => (Array.isArray(value) && value.every((r) => typeof r === 'string') ? (value as string[]) : undefined);
    router.post(
      '/tenants',
      wrap((req) => {
        const { domain, count, eventsPerUser, displayName } = body(req);
        if (typeof domain !== 'string') throw new Error('domain is required');
        return this.createTenant(domain, {
          ...(typeof count === 'number' ? { count } : {}),
          ...(typeof eventsPerUser === 'number' ? { eventsPerUser } : {}),
          ...(typeof displayName === 'string' ? { displayName } : {}),
        });
      }),
    );
    router.put(
      '/tenants/:tenant/consents/:clientId',
      wrap((req) => this.grantAdminConsent(String(req.params.tenant), String(req.params.clientId), roles(body(req).roles))),
    );
    router.delete(
      '/tenants/:tenant/consents/:clientId',
      wrap((req) => this.withdrawAdminConsent(String(req.params.tenant), String(req.params.clientId))),
    );
    router.put(
      '/tenants/:tenant/decline-next-consent',
      wrap((req) => this.declineNextAdminConsent(String(req.params.tenant), body(req).decline !== false)),
    );
    router.put(
      '/apps/:clientId/permissions',
      wrap((req) => {
        const list = roles(body(req).roles);
        if (!list) throw new Error('roles must be a list of Graph application permissions');
        this.setAppPermissions(String(req.params.clientId), list);
      }),
    );
    router.post(
      '/expire-app-tokens',
      wrap((req) => {
        const tenant = body(req).tenant;
        this.deps.appTokens.expire(typeof tenant === 'string' ? this.tenant(tenant).id : undefined);
      }),
    );
    return router;
  }
}
