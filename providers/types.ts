// The provider-neutral calendar interface. Everything above this layer (activities, workflows, API) speaks
// only these types; each provider folder (providers/google, providers/microsoft) adapts one vendor's API.

import type { EventChange, EventInput, EventPatch, EventTime, ProviderEvent } from '../domain/events';
import type { Failure } from '../domain/failures';

export type ProviderId = 'google' | 'microsoft';

// ---------------------------------------------------------------------------------------------------------
// OAuth
// ---------------------------------------------------------------------------------------------------------

/** Client id/secret of the OAuth app the tokens belong to (platform default, sandbox or an org's own). */
export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface AuthorizationUrlRequest {
  state: string;
  /** PKCE S256 challenge of a verifier the caller keeps server-side. */
  codeChallenge: string;
  redirectUri: string;
  loginHint?: string;
}

export interface TokenSet {
  accessToken: string;
  /** Present after a code exchange, and after a refresh only when the provider rotated it. */
  refreshToken?: string;
  expiresAt: Date;
  /** The scopes granted (space-separated), as the token endpoint said; absent means "as requested" (RFC 6749 5.1). */
  scope?: string;
  /** The OpenID Connect id_token of a code exchange, straight from the token endpoint (never stored). */
  idToken?: string;
}

/** Who a fresh grant belongs to. */
export interface AccountIdentity {
  /**
   * What the provider guarantees stable for the account, never reused for another: Google's `sub`,
   * Microsoft's `<tid>/<oid>` (tenant and object id). Addresses can move between accounts; this cannot.
   */
  subject: string;
  /** The account's address: shown to people, never used to decide whose data is whose. */
  email: string;
}

// ---------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------

/** Opaque position in a change listing: a stored cursor, or a page in the middle of a pass. */
export type SyncPosition = string;

export interface ChangePage {
  changes: EventChange[];
  /**
   * `page`: more pages follow; resume from `position` (safe to persist as a checkpoint).
   * `done`: the pass is complete; `cursor` is the sync cursor for the next incremental pass.
   */
  next: { kind: 'page'; position: SyncPosition } | { kind: 'done'; cursor: SyncPosition };
}

export interface CalendarInfo {
  externalId: string;
  name: string;
  isPrimary: boolean;
  timeZone?: string;
  canWrite: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Free/busy and push
// ---------------------------------------------------------------------------------------------------------

export interface BusyBlock {
  start: string; // UTC ISO-8601
  end: string;
  status: 'busy' | 'tentative' | 'outOfOffice' | 'workingElsewhere';
}

export type FreeBusyResult = Record<string, { busy: BusyBlock[] } | { error: string }>;

export interface PushChannel {
  /** Google channel id / Graph subscription id. */
  channelId: string;
  /** Google resourceId (needed to stop a channel). */
  resourceId?: string;
  calendarId: string;
  expiresAt: Date;
}

/** What a webhook request turned out to be, provider-neutral. */
export type PushMessage =
  | { kind: 'validation'; responseText: string } // Graph handshake: answer 200 text/plain with it
  | { kind: 'sync-handshake'; channelId: string } // Google's first `sync` message: nothing to do
  /**
   * `messageNumber`: Google's X-Goog-Message-Number, increasing per channel (a replay repeats an old one).
   * `resourceId`: Google's X-Goog-Resource-ID (the watched resource), Graph's changed event id.
   */
  | { kind: 'change'; channelId: string; secret: string | undefined; resourceId?: string; messageNumber?: number }
  | {
      kind: 'lifecycle';
      channelId: string;
      secret: string | undefined;
      event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';
    }
  | { kind: 'invalid'; reason: string }
  /** Several notifications in one request (Graph batches them in `value`); each is checked on its own. */
  | { kind: 'batch'; items: Array<Extract<PushMessage, { kind: 'change' | 'lifecycle' }>> };

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  body: unknown;
}

// ---------------------------------------------------------------------------------------------------------
// The interface
// ---------------------------------------------------------------------------------------------------------

/**
 * The provider budget's side of one HTTP request (services/provider-budget): `acquire` waits until the
 * request may go (token buckets, concurrency slots) and returns the function that releases it once the
 * answer arrived. `cost` is how many requests it counts as (a Graph `$batch` counts each request in it).
 */
export interface RequestMeter {
  acquire(cost?: number): Promise<() => void>;
  /**
   * The budget's own refusal, when `acquire` threw one: the client libraries wrap whatever their fetch throws
   * (as a network error), so the caller looks here for what really happened.
   */
  readonly refusal?: Failure;
}

/**
 * Per call: the access token to use (activities resolve it from the vault just before calling) and the
 * meter every HTTP request of the call goes through. Only the token service builds one for a connection, so
 * no provider call can go around the budget.
 */
export interface CallAuth {
  accessToken: string;
  meter: RequestMeter;
  /**
   * An organization-managed connection's app-only token acts on this mailbox (Graph `/users/{id}/...`
   * instead of `/me/...`); absent for a user's own grant. Google's delegated tokens are the user's already.
   */
  mailbox?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Organization-wide access (an admin's grant for every user of a Workspace domain or Microsoft 365 tenant)
// ---------------------------------------------------------------------------------------------------------

/** The fields of a Google service account key the service uses (the rest of the JSON is not kept). */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

export type OrganizationGrant =
  | { provider: 'google'; key: ServiceAccountKey; scopes: readonly string[]; domain: string; adminEmail?: string }
  | { provider: 'microsoft'; tenantId: string; client: OAuthClientCredentials };

/** A user of the organization's directory: its stable id and primary address. */
export interface DirectoryUser {
  id: string;
  email: string;
}

export interface OrganizationAccess {
  /**
   * An access token for one user (Google: the JWT-bearer grant with `sub` = the user; Microsoft: a
   * client-credentials token of the tenant, used on `/users/{id}`). A grant the provider no longer honours
   * (delegation revoked, consent withdrawn) throws ProviderError `access_revoked` with code
   * `delegation_revoked` / `admin_consent_withdrawn`.
   */
  userToken(grant: OrganizationGrant, user: DirectoryUser): Promise<TokenSet>;
  /** One page of the directory (Admin SDK users.list / Graph `GET /users`), every request metered. */
  listUsers(
    grant: OrganizationGrant,
    input: { pageToken?: string; meter: RequestMeter },
  ): Promise<{ users: DirectoryUser[]; nextPageToken?: string }>;
  /** One user by address (Microsoft: `GET /users/{address}`; Google: no call, the address is the subject). */
  findUser(grant: OrganizationGrant, input: { email: string; meter: RequestMeter }): Promise<DirectoryUser | null>;
  /** Google: whether a key's `token_uri` names the token endpoint this adapter uses (assertions go nowhere else). */
  acceptsTokenUri?(uri: string): boolean;
}

export interface CalendarProvider {
  readonly id: ProviderId;

  // OAuth 2.0 authorization-code flow with PKCE
  buildAuthorizationUrl(client: OAuthClientCredentials, request: AuthorizationUrlRequest): string;
  exchangeCode(client: OAuthClientCredentials, input: { code: string; codeVerifier: string; redirectUri: string }): Promise<TokenSet>;
  refresh(client: OAuthClientCredentials, refreshToken: string): Promise<TokenSet>;
  revoke(client: OAuthClientCredentials, token: string): Promise<void>;
  /**
   * The account a code exchange's tokens belong to, by what the provider guarantees stable (Google: the
   * userinfo `sub`; Microsoft: the id_token's `tid` and `oid`, checked against Graph's /me). Throws
   * ProviderError `malformed_response` when the provider does not say. `auth` carries the exchange's tokens;
   * its meter counts only calls that draw on the calendar API's quota (Graph's /me does, Google's userinfo not).
   */
  getAccountIdentity(client: OAuthClientCredentials, auth: CallAuth & Pick<TokenSet, 'idToken'>): Promise<AccountIdentity>;
  /**
   * The permissions a granted `scope` lacks, by name, for a clear refusal at connect time (users can untick
   * scopes on Google's consent screen); [] when everything the service needs was granted.
   */
  missingPermissions(grantedScope: string | undefined): string[];

  listCalendars(auth: CallAuth): Promise<CalendarInfo[]>;

  /**
   * One page of changes. `position` null starts a full listing; otherwise it is a `cursor` or a `page`
   * position returned earlier. Throws ProviderError `cursor_expired` when the provider wants a full resync.
   */
  fetchChanges(auth: CallAuth, input: { calendarId: string; position: SyncPosition | null }): Promise<ChangePage>;

  getEvent(auth: CallAuth, input: { calendarId: string; eventId: string }): Promise<ProviderEvent>;
  /**
   * One occurrence of a recurring series, addressed by the start it has in the series (`originalStart`),
   * whether or not it was ever edited: Google materialises it by instance id, Graph lists it among the
   * series' instances. Returns kind `occurrence` or `exception` with `seriesMasterId`, `originalStart` and a
   * `version` an `updateEvent` with `ifMatch` can use. Throws ProviderError `not_found` when the series has
   * no occurrence there (or the occurrence was cancelled).
   */
  getOccurrence(auth: CallAuth, input: { calendarId: string; seriesMasterId: string; originalStart: EventTime }): Promise<ProviderEvent>;
  /** Idempotent: the same `idempotencyKey` never creates a second event (Google client id / Graph transactionId). */
  createEvent(auth: CallAuth, input: { calendarId: string; event: EventInput; idempotencyKey: string }): Promise<ProviderEvent>;
  /** With `ifMatch`, a stale version throws ProviderError `version_conflict` instead of overwriting. */
  updateEvent(auth: CallAuth, input: { calendarId: string; eventId: string; patch: EventPatch; ifMatch?: string }): Promise<ProviderEvent>;
  deleteEvent(auth: CallAuth, input: { calendarId: string; eventId: string; ifMatch?: string }): Promise<void>;

  freeBusy(auth: CallAuth, input: { emails: string[]; timeMin: string; timeMax: string; timeZone?: string }): Promise<FreeBusyResult>;

  createPushChannel(
    auth: CallAuth,
    input: { calendarId: string; notificationUrl: string; secret: string; expiresAt: Date; lifecycleUrl?: string },
  ): Promise<PushChannel>;
  /** May answer a new channel (another id, using `secret`) when the old one cannot be extended. */
  renewPushChannel(
    auth: CallAuth,
    input: { channel: PushChannel; notificationUrl: string; secret: string; expiresAt: Date; lifecycleUrl?: string },
  ): Promise<PushChannel>;
  stopPushChannel(auth: CallAuth, channel: PushChannel): Promise<void>;
  /** Interpret an incoming webhook request (no I/O; the caller checks `secret` against the stored hash). */
  parsePushMessage(request: WebhookRequest): PushMessage;
}
