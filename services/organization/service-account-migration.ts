// Migration from the old setup (requirement document 002, steps 5-6): one shared Google service account,
// impersonating users, with each organization's calendar ids kept out of band. Each organization named in
// the input gets an organization connection (the shared key, its domain, a mode) and an organization-managed
// connection for every user whose calendar it used. Idempotent: an organization connection already holding
// the same account, domain and mode is left as it is; users already enrolled stay enrolled.
//
// A calendar id that is a user's address in the domain is that user's primary calendar: the user is
// enrolled. Any other id (a secondary or resource calendar) has no owner the service can act as; it is
// reported, not migrated.
import { findOrganizationConnection } from '../../data/organization-connections';
import { inDomain, type OrganizationConnectionMode } from '../../domain/organization-connections';
import type { ServiceAccountKey } from '../../providers/types';
import type { ServiceDependencies } from '../dependencies';
import { enrolUsers, type EnrolmentResult } from './enrolment';
import { configureGoogle, type OrganizationDeps } from './organization-connections';

export interface LegacyOrganization {
  organizationId: string;
  domain: string;
  mode?: OrganizationConnectionMode;
  /** The calendar ids the old sync wrote to, with the CRM user each belonged to when known. */
  calendars: Array<{ calendarId: string; userId?: string }>;
}

export interface MigratedOrganization {
  organizationId: string;
  organizationConnection: 'created' | 'updated' | 'unchanged';
  enrolled: EnrolmentResult['enrolled'];
  skipped: EnrolmentResult['skipped'];
  notMigrated: Array<{ calendarId: string; reason: 'not_a_user_calendar' }>;
}

export async function migrateServiceAccountOrganizations(
  deps: OrganizationDeps & Pick<ServiceDependencies, 'budget'>,
  input: { serviceAccountKey: ServiceAccountKey; organizations: LegacyOrganization[]; createdBy: string },
): Promise<MigratedOrganization[]> {
  const results: MigratedOrganization[] = [];
  for (const legacy of input.organizations) {
    const mode = legacy.mode ?? 'full';
    const domain = legacy.domain.toLowerCase();
    const existing = await findOrganizationConnection(deps.db, legacy.organizationId, 'google');
    const unchanged =
      existing?.status === 'active' &&
      existing.mode === mode &&
      existing.googleDomain === domain &&
      existing.serviceAccountEmail === input.serviceAccountKey.client_email;
    if (!unchanged) {
      await configureGoogle(deps, {
        organizationId: legacy.organizationId,
        createdBy: input.createdBy,
        serviceAccountKey: input.serviceAccountKey,
        domain,
        mode,
      });
    }
    const users = legacy.calendars
      .filter((calendar) => inDomain(calendar.calendarId, domain))
      .map((calendar) => ({ email: calendar.calendarId.toLowerCase(), ...(calendar.userId ? { userId: calendar.userId } : {}) }));
    const notMigrated = legacy.calendars
      .filter((calendar) => !inDomain(calendar.calendarId, domain))
      .map((calendar) => ({ calendarId: calendar.calendarId, reason: 'not_a_user_calendar' as const }));
    const enrolment = users.length
      ? await enrolUsers(deps, { organizationId: legacy.organizationId, provider: 'google', request: { users } })
      : { enrolled: [], skipped: [] };
    results.push({
      organizationId: legacy.organizationId,
      organizationConnection: unchanged ? 'unchanged' : existing ? 'updated' : 'created',
      enrolled: enrolment.enrolled,
      skipped: enrolment.skipped,
      notMigrated,
    });
  }
  return results;
}
