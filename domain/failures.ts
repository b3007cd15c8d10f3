// Every way an operation of this service can fail, in one catalogue. Each code says whether trying again
// can help (activity retry policies and the workflow act on it) and what an API caller is told (status,
// public code, message). Providers, activities, workflows and the API all speak these codes; nothing is
// ever matched by message text. Messages are secret-free: they end up in logs, histories and responses.

export interface FailureSpec {
  /** Whether the same operation may succeed when tried again. */
  retryable: boolean;
  /** The API's answer. `{subject}` in the message is replaced by what was not found / failed. */
  http: { status: number; code: string; message: string; retryAfterSeconds?: number };
}

const providerFailed = { status: 502, code: 'provider_error', message: 'The change could not be written to the calendar' };

export const FAILURES = {
  // ----- what calendar providers answer (providers/*/errors.ts classify by status and reason code) -----
  /** invalid_grant: the user revoked access or the refresh token died; only a reconnect helps. */
  access_revoked: {
    retryable: false,
    http: { status: 409, code: 'reconnect_required', message: 'The calendar account revoked access; reconnect it' },
  },
  /** 401 on an API call: refresh the access token, then retry. */
  unauthorized: { retryable: true, http: providerFailed },
  /** 429, 403 rateLimitExceeded, 503 with Retry-After: wait, then retry. */
  rate_limited: {
    retryable: true,
    http: {
      status: 503,
      code: 'provider_rate_limited',
      message: 'The calendar provider is rate limiting; retry later',
      retryAfterSeconds: 30,
    },
  },
  /** 5xx, timeouts, dropped connections. */
  transient: { retryable: true, http: providerFailed },
  /** Google 410 fullSyncRequired, Graph syncStateNotFound: the sync starts a full pass instead. */
  cursor_expired: { retryable: false, http: providerFailed },
  not_found: { retryable: false, http: { status: 404, code: 'not_found', message: '{subject} not found' } },
  /** 412 on If-Match: the event changed at the provider since the version we hold. */
  version_conflict: {
    retryable: false,
    http: { status: 409, code: 'version_conflict', message: 'The event changed at the provider meanwhile; read it again and retry' },
  },
  /**
   * A request that cannot succeed as it is. Raised with field details by update validators (400 naming
   * the fields); without them it is the provider refusing the content (422).
   */
  invalid_request: {
    retryable: false,
    http: { status: 422, code: 'provider_rejected', message: 'The calendar provider rejected the meeting' },
  },
  /** The provider answered something we cannot read: nothing is written. */
  malformed_response: { retryable: false, http: providerFailed },
  /**
   * 403 on one resource (Graph ErrorAccessDenied on a shared or delegated calendar, Google `forbidden` /
   * `requiredAccessLevel` on a reader calendar): the grant is fine, this calendar or event is not ours to touch.
   */
  permission_denied: {
    retryable: false,
    http: { status: 409, code: 'calendar_permission_denied', message: 'The calendar account may not make this change in that calendar' },
  },
  /** Google 403 forbiddenForNonOrganizer: an invitation's shared fields belong to its organizer. */
  not_organizer: {
    retryable: false,
    http: { status: 409, code: 'not_organizer', message: "Only the meeting's organizer can change it" },
  },
  /**
   * Google 403 insufficientPermissions: the user left a scope unticked at consent (granular consent). Not a
   * revoked grant: what the granted scopes allow keeps working; a new consent adds the rest.
   */
  insufficient_scope: {
    retryable: false,
    http: {
      status: 409,
      code: 'insufficient_permissions',
      message: 'The calendar account did not grant the permission this needs; reconnect it and allow calendar access',
    },
  },
  /**
   * Google 403 quotaExceeded ("Calendar usage limits exceeded"): can last hours, unlike a rate limit, so the
   * connection backs off for long instead of retrying.
   */
  quota_exhausted: {
    retryable: false,
    http: {
      status: 503,
      code: 'provider_quota_exhausted',
      message: 'The calendar provider quota for this account is exhausted; try again later',
      retryAfterSeconds: 1800,
    },
  },

  // ----- the connection's own state -----
  /** The connection row is gone or disconnected (an activity found nothing to work on). */
  connection_gone: { retryable: false, http: { status: 404, code: 'not_found', message: 'Connection not found' } },
  connection_disconnected: {
    retryable: false,
    http: { status: 409, code: 'connection_disconnected', message: 'The connection is disconnected' },
  },
  reconnect_required: {
    retryable: false,
    http: { status: 409, code: 'reconnect_required', message: 'The connection needs reconnecting' },
  },

  // ----- CRM-side writes of synced events -----
  read_only_calendar: {
    retryable: false,
    http: { status: 409, code: 'read_only_calendar', message: 'The connection does not write to this calendar' },
  },
  event_deleted: {
    retryable: false,
    http: { status: 409, code: 'event_deleted', message: 'The event is deleted in the calendar' },
  },
  not_a_series: {
    retryable: false,
    http: { status: 422, code: 'not_a_series', message: 'The event is not a recurring series; edit it directly' },
  },
  unsupported_recurrence: {
    retryable: false,
    http: {
      status: 422,
      code: 'unsupported_recurrence',
      message: 'This series cannot be split: its rule has several RRULEs or an EXRULE',
    },
  },
  /** A rule with parts this service does not expand, or more occurrences than one bounded expansion may count. */
  recurrence_too_complex: {
    retryable: false,
    http: {
      status: 422,
      code: 'recurrence_too_complex',
      message: "The series' rule cannot be expanded that far by this service; edit the series in the calendar",
    },
  },
  /** The event kept changing at the provider during a write: the activity starts over from the stored row. */
  edit_contended: { retryable: true, http: providerFailed },
  /** Out of office, focus time, events from Gmail: synced as busy, never edited back (domain/event-types.ts). */
  read_only_event: {
    retryable: false,
    http: { status: 409, code: 'read_only_event', message: 'This kind of event is shown as busy but cannot be changed from the CRM' },
  },

  // ----- the mass-delete breaker (domain/mass-delete.ts) -----
  /** Confirm or dismiss named a calendar without held deletions. */
  no_held_deletions: {
    retryable: false,
    http: { status: 409, code: 'no_held_deletions', message: 'No deletions are held for this calendar' },
  },

  // ----- organization-wide connections (services/organization/) -----
  /** A write to a calendar the organization connected for availability only (mode freebusy). */
  availability_only: {
    retryable: false,
    http: {
      status: 409,
      code: 'availability_only',
      message: 'The organization connected this calendar for availability only (mode freebusy): scheduling and edits are refused',
    },
  },
  /** A user disconnecting a connection their organization manages. */
  organization_managed: {
    retryable: false,
    http: {
      status: 403,
      code: 'organization_managed',
      message: 'This connection is managed by the organization: only an admin (ce.calendar.admin) can remove it',
    },
  },
  /** Enrolment before the tenant's admin consent was recorded, or while the organization's grant is revoked. */
  organization_consent_required: {
    retryable: false,
    http: {
      status: 409,
      code: 'organization_consent_required',
      message:
        'The organization connection has no working grant: complete the admin consent (Microsoft) ' +
        "or re-allow the service account's delegation (Google)",
    },
  },
  /** Google refused the service account for the domain (unauthorized_client): delegation is not allowed. */
  delegation_refused: {
    retryable: false,
    http: {
      status: 409,
      code: 'delegation_refused',
      message: "The provider refused the organization's credentials (domain-wide delegation or admin consent missing or revoked)",
    },
  },
  /** {all: true} enrolment of a Google domain needs a directory the service account may read. */
  directory_unavailable: {
    retryable: false,
    http: {
      status: 409,
      code: 'directory_unavailable',
      message: "The organization's directory could not be read: allow the directory scope, or name a Workspace admin (adminEmail)",
    },
  },

  // ----- the credential vault (an operator is needed, not a retry storm) -----
  vault_tampered: { retryable: false, http: { status: 500, code: 'internal', message: 'Internal error' } },
  vault_unknown_key: { retryable: false, http: { status: 500, code: 'internal', message: 'Internal error' } },
  vault_not_found: { retryable: false, http: { status: 500, code: 'internal', message: 'Internal error' } },
  vault_invalid_keyring: { retryable: false, http: { status: 500, code: 'internal', message: 'Internal error' } },
} as const satisfies Record<string, FailureSpec>;

export type FailureCode = keyof typeof FAILURES;

/** The codes no retry can fix: every activity retry policy lists them as non-retryable. */
export const NON_RETRYABLE_FAILURES: readonly FailureCode[] = (Object.keys(FAILURES) as FailureCode[]).filter(
  (code) => !FAILURES[code].retryable,
);

export function isFailureCode(value: unknown): value is FailureCode {
  return typeof value === 'string' && Object.hasOwn(FAILURES, value);
}

/** A field an update validator or a service rejected, named like the API names it (`body.` is added there). */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * A failure of this service's own making, typed by its catalogue code. Services throw it; activities turn
 * it into a Temporal ApplicationFailure of the same type; the API answers with the catalogue's response.
 */
export class Failure extends Error {
  override readonly name: string = 'Failure';

  constructor(
    readonly code: FailureCode,
    message: string,
    readonly extra: { subject?: string; fields?: FieldProblem[] } = {},
  ) {
    super(message);
  }

  get retryable(): boolean {
    return FAILURES[this.code].retryable;
  }
}

export function isFailure(error: unknown, code?: FailureCode): error is Failure {
  return error instanceof Failure && (code === undefined || error.code === code);
}

/** `{what} not found`, e.g. notFound('Occurrence'); the API answers 404 naming it. */
export function notFound(subject: string): Failure {
  return new Failure('not_found', `${subject} not found`, { subject });
}
