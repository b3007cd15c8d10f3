// The registry of calendar providers: what a UI shows about each (name, icon, copy), what it can do, and
// the adapter plus default OAuth client the service uses for it. Adding a provider means adding its
// adapter folder and one entry in providers/catalog.ts; nothing else changes.
import type { CalendarProvider, OAuthClientCredentials, OrganizationAccess, ProviderId } from './types';

export interface ProviderDescriptor {
  id: ProviderId;
  displayName: string;
  /** Short copy for a "Connect" card. */
  description: string;
  /** Path of the provider's icon in the API's static assets. */
  icon: string;
  scopes: readonly string[];
  capabilities: {
    freeBusy: boolean;
    /** `watch-channel` (Google) or `subscription` (Microsoft Graph). */
    push: 'watch-channel' | 'subscription' | 'none';
    /** Longest push channel lifetime the provider grants. */
    maxPushTtlMinutes: number;
    idempotentCreate: boolean;
    conditionalUpdate: boolean;
    rotatesRefreshTokens: boolean;
  };
}

export interface ProviderRuntime {
  descriptor: ProviderDescriptor;
  adapter: CalendarProvider;
  /** The platform default client (GOOGLE_CALENDAR_CLIENT_ID/...), or the sandbox's client. */
  defaultClient: OAuthClientCredentials;
  mode: 'production' | 'sandbox';
  /** Organization-wide connections: delegation (Google) or app-only access (Microsoft). */
  organization: OrganizationAccess;
  /** Microsoft: the admin-consent URL of a tenant for an app (identity platform v2 `adminconsent`). */
  adminConsentUrl?: (input: { tenantId: string; clientId: string; redirectUri: string; state: string }) => string;
}

export class ProviderRegistry {
  readonly #runtimes: Map<ProviderId, ProviderRuntime>;

  constructor(runtimes: ProviderRuntime[]) {
    this.#runtimes = new Map(runtimes.map((runtime) => [runtime.descriptor.id, runtime]));
  }

  get(id: string): ProviderRuntime {
    const runtime = this.#runtimes.get(id as ProviderId);
    if (!runtime) throw new Error(`Unknown calendar provider: ${id}`);
    return runtime;
  }

  has(id: string): id is ProviderId {
    return this.#runtimes.has(id as ProviderId);
  }

  list(): ProviderRuntime[] {
    return [...this.#runtimes.values()];
  }
}
