// The Google fake driven over its HTTP control routes (`/__fake/...`, fakes/google/server.ts) instead of as an
// object: the same client works whether the fake runs in the benchmark process or in its own (as under
// `npm start`), so a benchmark that seeds and authorizes through it has one code path for both.
import { authorizeAsUser } from '../../fakes/google/authorize-as-user';
import type { FakeEventSeed } from '../../fakes/types';

export interface GoogleSandboxClient {
  readonly baseUrl: string;
  /** Creates the account (and its primary calendar) if missing; returns its primary calendar id. */
  ensureAccount(email: string): Promise<string>;
  /** Seeds events into the account's primary calendar (or `calendarId`); returns their ids. */
  seedEvents(email: string, seeds: FakeEventSeed[], calendarId?: string): Promise<string[]>;
  /** The OAuth authorize step as the user would run it (sign in as `email`, consent): the code the redirect carries. */
  authorize(authorizationUrl: string, email: string): Promise<{ code: string; state: string; redirectUri: string }>;
}

export function remoteGoogleSandbox(baseUrl: string): GoogleSandboxClient {
  const control = async <T>(method: string, route: string, body: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}/__fake/${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`Google fake answered ${response.status} to ${method} /__fake/${route}: ${await response.text()}`);
    return (await response.json()) as T;
  };
  const account = (email: string) => `accounts/${encodeURIComponent(email)}`;

  return {
    baseUrl,
    async ensureAccount(email) {
      return (await control<{ calendarId: string }>('PUT', account(email), {})).calendarId;
    },
    async seedEvents(email, seeds, calendarId) {
      return (
        await control<{ ids: string[] }>('POST', `${account(email)}/events`, { events: seeds, ...(calendarId ? { calendarId } : {}) })
      ).ids;
    },
    authorize: (authorizationUrl, email) => authorizeAsUser(baseUrl, authorizationUrl, email),
  };
}
