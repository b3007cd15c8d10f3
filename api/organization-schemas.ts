// Request and response shapes of the organization connections (api/routes/organization-connections.ts).
// Secrets (the service account key, an own app's client secret) are accepted and never returned.
import { z } from 'zod';
import { ENROLMENT_MAX_EMAILS, ORGANIZATION_CONNECTION_MODES } from '../domain/organization-connections';

const isoDateTime = z.iso.datetime({ offset: true });
const mode = z.enum(ORGANIZATION_CONNECTION_MODES, { error: 'must be full or freebusy' });
const email = z.email({ error: 'must be an email address' }).max(320);
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { error: 'must be a domain name, e.g. example.com' });
const noWhitespace = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\s]+$/, { error: 'must not contain whitespace' });

export const organizationProviderParams = z.strictObject({
  provider: z.enum(['google', 'microsoft'], { error: 'must be google or microsoft' }),
});

/** The fields of the JSON key Google gives for a service account; other fields are accepted and not kept. */
const serviceAccountKey = z.object({
  type: z.literal('service_account', { error: 'must be service_account' }),
  client_email: email,
  private_key: z
    .string()
    .max(8000)
    .regex(/^-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----\s*$/, { error: 'must be a PEM private key' }),
  private_key_id: z.string().max(128).optional(),
  token_uri: z.url().max(2000).optional(),
});

export const putGoogleOrganizationBody = z.strictObject({
  serviceAccountKey: serviceAccountKey.describe('The service account key JSON (write-only: kept in the vault, never returned)'),
  domain,
  mode,
  adminEmail: email.optional().describe('A Workspace admin to impersonate for directory reads (enrolling everyone)'),
});

export const putMicrosoftOrganizationBody = z
  .strictObject({
    tenantId: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { error: 'must be the tenant id (a GUID)' }),
    mode,
    clientId: noWhitespace(512).optional().describe("The organization's own app (default: the platform's)"),
    clientSecret: noWhitespace(1024).optional().describe('Its secret (write-only)'),
  })
  .refine((body) => (body.clientId === undefined) === (body.clientSecret === undefined), {
    error: 'clientId and clientSecret come together',
    path: ['clientSecret'],
  });

const enrolUser = z.union([email, z.strictObject({ email, userId: z.string().min(1).max(200).optional() })]);
export const enrolBody = z
  .strictObject({
    emails: z
      .array(enrolUser)
      .min(1)
      .max(ENROLMENT_MAX_EMAILS, { error: `at most ${ENROLMENT_MAX_EMAILS} addresses per request` })
      .optional()
      .describe('Addresses, or {email, userId} (the CRM user who owns the connection; default: the address)'),
    all: z.literal(true, { error: 'must be true' }).optional().describe('Enrol the directory, one page per request'),
    pageToken: z.string().min(1).max(4000).optional().describe('With all: nextPageToken of the previous answer'),
  })
  .refine((body) => (body.emails === undefined) !== (body.all === undefined), {
    error: 'give either emails or all: true',
    path: ['emails'],
  })
  .refine((body) => body.pageToken === undefined || body.all === true, { error: 'only with all: true', path: ['pageToken'] });

export const organizationConnectionResponse = z.object({
  id: z.uuid(),
  provider: z.enum(['google', 'microsoft']),
  mode,
  status: z.enum(['pending_consent', 'active', 'needs_admin_action']),
  statusReason: z.string().nullable().describe('What the admin must do: delegation_revoked, admin_consent_withdrawn'),
  requiredAccess: z.array(z.string()).describe('Google: delegation scopes to allow; Microsoft: application permissions to consent'),
  google: z.object({ domain: z.string(), serviceAccountEmail: z.string().nullable(), adminEmail: z.string().nullable() }).nullable(),
  microsoft: z
    .object({ tenantId: z.string(), ownApp: z.boolean(), clientId: z.string().nullable(), consentedAt: isoDateTime.nullable() })
    .nullable(),
  connections: z.record(z.string(), z.number().int()).describe('Enrolled connections by health'),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export const organizationConnectionListResponse = z.object({ organizationConnections: z.array(organizationConnectionResponse) });
export const microsoftOrganizationResponse = organizationConnectionResponse.extend({
  adminConsentUrl: z.url().nullable().describe('Open it as a tenant admin to grant consent (null: consent already given)'),
  adminConsentExpiresAt: isoDateTime.nullable(),
});
export const removedOrganizationResponse = z.object({ provider: z.enum(['google', 'microsoft']), disconnecting: z.number().int() });
export const enrolmentResponse = z.object({
  enrolled: z.array(z.object({ email: z.string(), userId: z.string(), connectionId: z.uuid(), alreadyEnrolled: z.boolean() })),
  skipped: z.array(
    z.object({
      email: z.string(),
      reason: z.enum(['outside_domain', 'not_in_directory', 'user_connection', 'in_use']),
    }),
  ),
  nextPageToken: z.string().optional(),
});
export const adminConsentCallbackQuery = z.object({
  admin_consent: z.string().max(10).optional(),
  tenant: z.string().max(100).optional(),
  state: z.string().max(200).optional(),
  scope: z.string().max(4000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});
