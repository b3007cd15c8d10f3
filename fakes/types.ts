// What every local provider fake offers to tests, the sandbox and benchmarks, besides the wire protocol it
// serves. Tests drive the fakes through this interface only, so the provider contract suite
// (test/providers/contract.suite.ts) runs unchanged against Google and Microsoft.

// The fakes define their own seed types (shaped like the product's EventTime and Attendee, so tests can pass
// either) rather than import the product's: the fakes must not depend on the code they check.

/** A timed instant (UTC ISO-8601 plus the IANA zone it is written in) or an all-day date. */
export type SeedTime = { kind: 'dateTime'; dateTime: string; timeZone: string } | { kind: 'date'; date: string /* yyyy-mm-dd */ };

export interface SeedAttendee {
  email: string;
  name?: string;
  response: 'needsAction' | 'accepted' | 'declined' | 'tentative';
  optional?: boolean;
}

/** A provider-neutral event as a test seeds or edits it "from the provider side". */
export interface FakeEventSeed {
  /** Optional fixed id; otherwise the fake picks one in the provider's format. */
  id?: string;
  title: string;
  description?: string;
  location?: string;
  start: SeedTime;
  end: SeedTime;
  /** RFC 5545 lines, e.g. ['RRULE:FREQ=WEEKLY;COUNT=10']. */
  recurrence?: string[];
  attendees?: SeedAttendee[];
  status?: 'confirmed' | 'tentative' | 'cancelled';
  /** Private to its owner (Google visibility `private`, Graph sensitivity `private`). */
  private?: boolean;
  /** Shown as free (Google transparency `transparent`, Graph showAs `free`). */
  free?: boolean;
  /**
   * Someone else organizes it (an invitation in this calendar). Google answers 403 forbiddenForNonOrganizer
   * to changes of its shared fields.
   */
  organizer?: { email: string; name?: string };
  /** Google event types (default when omitted); Graph has none and ignores it. */
  eventType?: 'default' | 'outOfOffice' | 'focusTime' | 'fromGmail' | 'birthday' | 'workingLocation';
  /**
   * Graph only: the name Graph reports as originalStartTimeZone/originalEndTimeZone instead of the seed's zone,
   * e.g. `tzone://Microsoft/Custom` (a legacy custom zone) or a display name "(UTC+05:30) Chennai, ...".
   */
  reportedZoneName?: string;
  /** For a series: occurrences that were cancelled or changed (moved / retitled). */
  exceptions?: Array<{
    originalStart: SeedTime;
    cancelled?: boolean;
    patch?: Partial<Pick<FakeEventSeed, 'title' | 'start' | 'end' | 'location'>>;
  }>;
}

export type FaultKind =
  | 'rate_limit' // 429 (Google: 429 rateLimitExceeded; Graph: 429) with Retry-After
  | 'server_error' // 500 (Google backendError; Graph generalException)
  | 'unavailable' // 503 (Graph: with Retry-After)
  | 'slow' // answers correctly after `delayMs`
  | 'drop' // destroys the socket without answering
  | 'malformed' // answers 200 with a body that is not the documented JSON shape
  | 'forbidden'; // 403 on this resource (Google forbidden; Graph ErrorAccessDenied): a permission, not a revoked grant

export interface FaultSpec {
  kind: FaultKind;
  /** Apply to the next N matching requests... */
  count?: number;
  /** ...or to this fraction (0-1) of matching requests, until cleared. */
  rate?: number;
  /** Only requests whose path contains this (e.g. '/events', '/token'); default: every API request. */
  pathIncludes?: string;
  retryAfterSeconds?: number;
  delayMs?: number;
}

export interface FakeProviderControl {
  readonly provider: 'google' | 'microsoft';
  /** Base URL the adapter is configured with (Graph fake: https). */
  readonly baseUrl: string;

  /** Registers an OAuth client the token endpoint accepts (a sandbox client is registered at start). */
  registerClient(clientId: string, clientSecret: string): void;
  /** Creates the account (and its primary calendar) if missing; returns its primary calendar id. */
  ensureAccount(email: string): string;
  /**
   * Deletes the address's account and makes a new one with the same address: a new stable identifier
   * (Google `sub`, Microsoft object id), empty calendars, and every grant of the old one revoked.
   */
  recreateAccount(email: string): void;
  /** Events as the provider holds them right now (series masters and exceptions, no expanded occurrences). */
  listEvents(email: string, calendarId?: string): Array<{ id: string; title?: string; status: string; start: SeedTime; end: SeedTime }>;
  seedEvent(email: string, event: FakeEventSeed, calendarId?: string): string;
  seedEvents(email: string, events: FakeEventSeed[], calendarId?: string): string[];
  updateEventAsProvider(email: string, eventId: string, patch: Partial<FakeEventSeed>, calendarId?: string): void;
  /** A secondary calendar of the account (`readOnly`: the account may read it, not write to it); returns its id. */
  addCalendar(email: string, input: { name: string; readOnly?: boolean }): string;
  /** The calendar is deleted, or no longer shared with the account: its requests answer 404. */
  deleteCalendar(email: string, calendarId: string): void;
  deleteEventAsProvider(email: string, eventId: string, calendarId?: string): void;

  /**
   * Runs the OAuth authorize step as the user would (sign in as `email`, consent) and returns the
   * authorization code the redirect would carry. `authorizationUrl` is what the adapter built.
   */
  authorize(authorizationUrl: string, email: string): Promise<{ code: string; state: string; redirectUri: string }>;
  /** Revokes every grant of the account: refresh gives invalid_grant, API calls give 401. */
  revokeGrants(email: string): void;
  /** Makes every access token issued so far expire now. */
  expireAccessTokens(email?: string): void;
  /** Makes every sync cursor / delta token issued so far invalid (410 on next use). */
  expireSyncCursors(email?: string): void;

  injectFault(fault: FaultSpec): void;
  clearFaults(): void;

  /** Active push channels / subscriptions of the account. */
  listPushChannels(email: string): Array<{ id: string; expiresAt: Date; address: string }>;
  /** Tokens and secrets the fake has issued (for the secret-scanning test). */
  issuedSecrets(): string[];
  /** Request log (method + path) for assertions such as "one create call". */
  requests(): Array<{ method: string; path: string; status: number }>;
  clearRequests(): void;

  close(): Promise<void>;
}
