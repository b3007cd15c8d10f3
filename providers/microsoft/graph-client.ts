// Builds a Microsoft Graph client for one call. Decisions, and why:
// - The client's fetch is Node's global fetch (HTTPMessageHandler calls `fetch(url, fetchOptions)`); an
//   undici `dispatcher` in fetchOptions makes it trust the sandbox CA (fakes/tls). NODE_EXTRA_CA_CERTS works
//   too, for whole processes.
// - `customHosts` holds the fake's host: the client attaches the bearer token only to Graph hosts and these.
// - No RetryHandler: the default chain retries 429/503/504 up to 3 times and sleeps Retry-After (up to 180 s)
//   inside the call. Retries belong to the Temporal activities, which see `rate_limited` with
//   retryAfterSeconds and back off durably; in-call sleeps would only hide throttling and stall workers.
// - No RedirectHandler either (Graph calendar calls do not redirect; a 410 Location is read, not followed).
// - Every request passes the call's meter (MeteringHandler): the provider budget shared by all processes.
import { AuthenticationHandler, Client, HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import type { Dispatcher } from 'undici';
import type { CallAuth } from '../types';
import { MeteringHandler } from './metering-handler';

export interface GraphClientConfig {
  graphBaseUrl: string;
  dispatcher?: Dispatcher;
  timeoutMs: number;
}

export function createGraphClient(config: GraphClientConfig, call: CallAuth): Client {
  const auth = new AuthenticationHandler({ getAccessToken: async () => call.accessToken });
  const metering = new MeteringHandler(call.meter);
  auth.setNext(metering);
  metering.setNext(new HTTPMessageHandler());
  const host = new URL(config.graphBaseUrl).hostname.replace(/^\[|\]$/g, '');
  return Client.initWithMiddleware({
    middleware: auth,
    baseUrl: config.graphBaseUrl.replace(/\/$/, ''),
    defaultVersion: 'v1.0',
    customHosts: host === 'graph.microsoft.com' ? undefined : new Set([host]),
    fetchOptions: {
      ...(config.dispatcher ? { dispatcher: config.dispatcher } : {}),
      signal: AbortSignal.timeout(config.timeoutMs),
    } as never,
  });
}
