// Organization-wide connections (issue 17), the pure part: the two modes, the access each asks the provider
// for, and what an admin must do when the organization's grant is gone. An organization connection is one
// per organization and provider; its users are enrolled as ordinary connections marked organization-managed.

export const ORGANIZATION_CONNECTION_MODES = ['full', 'freebusy'] as const;
/** `full`: two-way sync and scheduling. `freebusy`: availability only (read access; every write refused). */
export type OrganizationConnectionMode = (typeof ORGANIZATION_CONNECTION_MODES)[number];

export type OrganizationConnectionStatus = 'pending_consent' | 'active' | 'needs_admin_action';

/** How many addresses one enrolment request may name, and how many directory users `{all: true}` enrols. */
export const ENROLMENT_MAX_EMAILS = 100;
export const ENROLMENT_MAX_DIRECTORY_USERS = 1000;

/**
 * Google: the scopes the service account's client id must be allowed in the Admin console (Security > API
 * controls > Domain-wide delegation), per mode. Google has no scope that lists events without their details:
 * `calendar.readonly` is the narrowest that still lets the sync read calendars (free/busy is answered from them).
 */
export const GOOGLE_DELEGATION_SCOPES: Record<OrganizationConnectionMode, readonly string[]> = {
  full: ['https://www.googleapis.com/auth/calendar.events', 'https://www.googleapis.com/auth/calendar.readonly'],
  freebusy: ['https://www.googleapis.com/auth/calendar.readonly'],
};
/** Directory reads for `{all: true}` enrolment (Admin SDK users.list). */
export const GOOGLE_DIRECTORY_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user.readonly';

/**
 * Microsoft: the application permissions the app needs, per mode, granted by a tenant admin's consent.
 * Client-credentials tokens always ask for `https://graph.microsoft.com/.default` (what was consented).
 */
export const MICROSOFT_APPLICATION_PERMISSIONS: Record<OrganizationConnectionMode, readonly string[]> = {
  full: ['Calendars.ReadWrite', 'User.Read.All'],
  freebusy: ['Calendars.ReadBasic', 'User.Read.All'],
};

/** The reason an organization-managed connection needs reconnecting, naming what the admin must do. */
export const ADMIN_ACTIONS = {
  google: {
    code: 'delegation_revoked',
    message:
      'Domain-wide delegation was revoked for the service account: a Workspace admin must allow its client id again ' +
      '(Admin console > Security > API controls > Domain-wide delegation), then save the organization connection again',
  },
  microsoft: {
    code: 'admin_consent_withdrawn',
    message:
      "The tenant's admin consent was withdrawn: a Microsoft 365 admin must grant consent again " +
      '(PUT /v1/organization-connections/microsoft returns the consent URL)',
  },
} as const satisfies Record<'google' | 'microsoft', { code: string; message: string }>;

export type AdminActionCode = (typeof ADMIN_ACTIONS)[keyof typeof ADMIN_ACTIONS]['code'];

/** Lower-cased address, and whether it belongs to the domain (exactly, no subdomains). */
export function inDomain(email: string, domain: string): boolean {
  const at = email.lastIndexOf('@');
  return at > 0 && email.slice(at + 1).toLowerCase() === domain.toLowerCase();
}
