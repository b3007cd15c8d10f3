// The providers this service knows, each as one entry: what a UI shows, what it can do, and how to build
// its adapter and default OAuth client from configuration. Real credentials
// (GOOGLE_CALENDAR_CLIENT_ID/_SECRET, MICROSOFT_CALENDAR_CLIENT_ID/_SECRET) select the real provider;
// without them the provider is the local sandbox (SANDBOX_GOOGLE_URL, SANDBOX_MICROSOFT_URL).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import type { Config } from '../config';
import { GOOGLE_SANDBOX_CLIENT, SANDBOX_MICROSOFT_CLIENT } from '../config/sandbox';
import {
  createGoogleProvider,
  GOOGLE_PRODUCTION_ENDPOINTS,
  GOOGLE_SCOPES,
  type GoogleEndpoints,
  type GoogleProviderOptions,
} from './google';
import { createMicrosoftProvider, MICROSOFT_PRODUCTION_ENDPOINTS, MICROSOFT_SCOPES, type MicrosoftEndpoints } from './microsoft';
import { createGoogleDelegation } from './google/delegation';
import { adminConsentUrl, createMicrosoftAppOnly } from './microsoft/app-only';
import { ProviderRegistry, type ProviderDescriptor, type ProviderRuntime } from './registry';

/** Node's roots plus one more CA (the Microsoft sandbox's test CA). */
function trustingDispatcher(ca: string): Dispatcher {
  return new Agent({ connect: { ca: [...tls.rootCertificates, ca] } });
}

export const GOOGLE_DESCRIPTOR: ProviderDescriptor = {
  id: 'google',
  displayName: 'Google Calendar',
  description: 'Sync events with Google Calendar and schedule meetings into it.',
  icon: '/static/providers/google.svg',
  scopes: GOOGLE_SCOPES,
  capabilities: {
    freeBusy: true,
    push: 'watch-channel',
    maxPushTtlMinutes: 7 * 24 * 60, // Google's default (and usual maximum) channel ttl: 604800 s
    idempotentCreate: true,
    conditionalUpdate: true,
    rotatesRefreshTokens: false,
  },
};

export const MICROSOFT_DESCRIPTOR: ProviderDescriptor = {
  id: 'microsoft',
  displayName: 'Microsoft Outlook',
  description: 'Sync events with Outlook / Microsoft 365 calendars and schedule meetings into them.',
  icon: '/static/providers/microsoft.svg',
  scopes: MICROSOFT_SCOPES,
  capabilities: {
    freeBusy: true,
    push: 'subscription',
    maxPushTtlMinutes: 4230, // Graph's limit for Outlook event subscriptions
    idempotentCreate: true,
    conditionalUpdate: true,
    rotatesRefreshTokens: true,
  },
};

export function googleRuntime(options: {
  endpoints: GoogleEndpoints;
  client: { clientId: string; clientSecret: string };
  mode: ProviderRuntime['mode'];
  adapterOptions?: GoogleProviderOptions;
}): ProviderRuntime {
  return {
    descriptor: GOOGLE_DESCRIPTOR,
    adapter: createGoogleProvider(options.endpoints, options.adapterOptions),
    defaultClient: options.client,
    mode: options.mode,
    organization: createGoogleDelegation(options.endpoints),
  };
}

export function microsoftRuntime(options: {
  endpoints: MicrosoftEndpoints;
  client: { clientId: string; clientSecret: string };
  mode: ProviderRuntime['mode'];
  ca?: string;
}): ProviderRuntime {
  return {
    descriptor: MICROSOFT_DESCRIPTOR,
    adapter: createMicrosoftProvider(options.endpoints, options.ca ? { ca: options.ca } : {}),
    defaultClient: options.client,
    mode: options.mode,
    organization: createMicrosoftAppOnly(options.endpoints, options.ca ? { dispatcher: trustingDispatcher(options.ca) } : {}),
    adminConsentUrl: (input) => adminConsentUrl(options.endpoints, input),
  };
}

export function googleSandboxEndpoints(baseUrl: string): GoogleEndpoints {
  const base = baseUrl.replace(/\/$/, '');
  return {
    authorizeUrl: `${base}/o/oauth2/v2/auth`,
    tokenUrl: `${base}/token`,
    revokeUrl: `${base}/revoke`,
    userinfoUrl: `${base}/oauth2/v3/userinfo`,
    apiRootUrl: `${base}/`,
  };
}

export function microsoftSandboxEndpoints(baseUrl: string): MicrosoftEndpoints {
  const base = baseUrl.replace(/\/$/, '');
  return { authorityUrl: `${base}/common`, graphBaseUrl: base };
}

type ProviderSettings = Pick<
  Config,
  | 'GOOGLE_CALENDAR_CLIENT_ID'
  | 'GOOGLE_CALENDAR_CLIENT_SECRET'
  | 'MICROSOFT_CALENDAR_CLIENT_ID'
  | 'MICROSOFT_CALENDAR_CLIENT_SECRET'
  | 'MICROSOFT_TENANT'
  | 'SANDBOX_GOOGLE_URL'
  | 'SANDBOX_MICROSOFT_URL'
  | 'sandboxTlsDir'
  | 'NODE_ENV'
>;

/**
 * Each provider with its real OAuth app when configured, else its sandbox. In production a provider without
 * a real app is not offered at all: a careless deployment must not send users to a local fake.
 */
export function providerRegistry(config: ProviderSettings): ProviderRegistry {
  const production = config.NODE_ENV === 'production';
  const google =
    config.GOOGLE_CALENDAR_CLIENT_ID && config.GOOGLE_CALENDAR_CLIENT_SECRET
      ? googleRuntime({
          endpoints: GOOGLE_PRODUCTION_ENDPOINTS,
          client: { clientId: config.GOOGLE_CALENDAR_CLIENT_ID, clientSecret: config.GOOGLE_CALENDAR_CLIENT_SECRET },
          mode: 'production',
        })
      : googleRuntime({ endpoints: googleSandboxEndpoints(config.SANDBOX_GOOGLE_URL), client: GOOGLE_SANDBOX_CLIENT, mode: 'sandbox' });
  const microsoft =
    config.MICROSOFT_CALENDAR_CLIENT_ID && config.MICROSOFT_CALENDAR_CLIENT_SECRET
      ? microsoftRuntime({
          endpoints: config.MICROSOFT_TENANT
            ? { ...MICROSOFT_PRODUCTION_ENDPOINTS, authorityUrl: `https://login.microsoftonline.com/${config.MICROSOFT_TENANT}` }
            : MICROSOFT_PRODUCTION_ENDPOINTS,
          client: { clientId: config.MICROSOFT_CALENDAR_CLIENT_ID, clientSecret: config.MICROSOFT_CALENDAR_CLIENT_SECRET },
          mode: 'production',
        })
      : microsoftRuntime({
          endpoints: microsoftSandboxEndpoints(config.SANDBOX_MICROSOFT_URL),
          client: { ...SANDBOX_MICROSOFT_CLIENT },
          mode: 'sandbox',
          ca: readSandboxCa(config.sandboxTlsDir),
        });
  return new ProviderRegistry([google, microsoft].filter((runtime) => !production || runtime.mode === 'production'));
}

function readSandboxCa(dir: string): string | undefined {
  try {
    return readFileSync(path.join(dir, 'ca.pem'), 'utf8');
  } catch {
    return undefined; // the sandbox has not run yet; its calls will fail until it has
  }
}
