// Enrolment: an admin puts users of the organization's Workspace domain / Microsoft 365 tenant under the
// organization connection. Each becomes an ordinary connection (same workflow, same sync, visible like any
// other to its user) marked organization-managed: its tokens are minted from the organization's grant.
//
// One account never syncs twice: an account that already has a live connection of its user's own (OAuth)
// is skipped (the user's connection wins; they disconnect it first to hand it over), and a user connecting
// an enrolled account gets 409 account_managed_by_organization (services/oauth/account-binding.ts). Within
// a domain or tenant the admin controls the addresses, so an address names one account: Google accounts are
// known by it (`workspace:<address>`), Microsoft ones by tenant and object id like a user's own connection.
import { ensureOrganization } from '../../data/connections';
import { findOrganizationConnection, recordOrganizationGrantRevoked, isAdminActionCode } from '../../data/organization-connections';
import { isUniqueViolation } from '../../db/errors';
import { Failure, notFound } from '../../domain/failures';
import { inDomain } from '../../domain/organization-connections';
import { isProviderError } from '../../providers/errors';
import type { DirectoryUser, OrganizationGrant } from '../../providers/types';
import { mapWithConcurrency } from '../bounded-concurrency';
import type { ServiceDependencies } from '../dependencies';
import { liveAccountKey } from '../oauth/account-binding';
import { withCallContext } from '../provider-budget/call-context';
import { organizationGrant } from './grant';
import type { OrganizationDeps } from './organization-connections';

export type EnrolmentRequest = { users: Array<{ email: string; userId?: string }> } | { all: true; pageToken?: string };

export interface EnrolmentResult {
  enrolled: Array<{ email: string; userId: string; connectionId: string; alreadyEnrolled: boolean }>;
  skipped: Array<{ email: string; reason: 'outside_domain' | 'not_in_directory' | 'user_connection' | 'in_use' }>;
  /** `{all: true}`: the directory has more users; enrol them with this token. */
  nextPageToken?: string;
}

type Deps = OrganizationDeps & Pick<ServiceDependencies, 'budget'>;
type Candidate = { user: DirectoryUser; userId: string };

/** A refusal of the organization's own grant flags it (once, for all its connections) and tells the admin. */
async function failOnRefusedGrant(deps: Deps, organizationConnectionId: string, error: unknown): Promise<void> {
  if (isProviderError(error, 'access_revoked') && isAdminActionCode(error.details.code)) {
    await recordOrganizationGrantRevoked(deps.db, organizationConnectionId);
    throw new Failure('delegation_refused', `the provider refused the organization's grant (${error.details.code})`);
  }
}

const rethrowing = (deps: Deps, organizationConnectionId: string) => async (error: unknown) => {
  await failOnRefusedGrant(deps, organizationConnectionId, error);
  throw error;
};

export async function enrolUsers(
  deps: Deps,
  input: { organizationId: string; provider: 'google' | 'microsoft'; request: EnrolmentRequest },
): Promise<EnrolmentResult> {
  const { db, providers, budget } = deps;
  const row = await findOrganizationConnection(db, input.organizationId, input.provider);
  if (!row || row.status === 'removed') throw notFound('Organization connection');
  if (row.status !== 'active') throw new Failure('organization_consent_required', `organization connection is ${row.status}`);
  const access = providers.get(input.provider).organization;
  const grant = await organizationGrant(deps, row);
  const meter = budget.meterFor({ provider: input.provider, project: `organization:${row.id}` });
  const result: EnrolmentResult = { enrolled: [], skipped: [] };

  const candidates: Candidate[] = await withCallContext({ priority: 'interactive', maxWaitMs: 10_000 }, async () => {
    if ('all' in input.request) {
      const page = await access.listUsers(grant, { pageToken: input.request.pageToken, meter }).catch(async (error: unknown) => {
        await failOnRefusedGrant(deps, row.id, error);
        if (meter.refusal) throw meter.refusal;
        if (isProviderError(error) && ['permission_denied', 'insufficient_scope', 'unauthorized'].includes(error.kind)) {
          throw new Failure('directory_unavailable', `directory listing refused (${error.kind})`);
        }
        throw error;
      });
      if (page.nextPageToken) result.nextPageToken = page.nextPageToken;
      return page.users.map((user) => ({ user, userId: user.email }));
    }
    const found = await mapWithConcurrency(input.request.users, 4, async ({ email, userId }) => {
      const address = email.toLowerCase();
      if (grant.provider === 'google' && !inDomain(address, grant.domain)) return { email: address, reason: 'outside_domain' as const };
      const user = await access.findUser(grant, { email: address, meter }).catch(rethrowing(deps, row.id));
      return user ? { user, userId: userId ?? address } : { email: address, reason: 'not_in_directory' as const };
    });
    return found.flatMap((entry): Candidate[] => {
      if (entry.user) return [{ user: entry.user, userId: entry.userId }];
      result.skipped.push({ email: entry.email, reason: entry.reason });
      return [];
    });
  });

  // Google answers "delegation not allowed" only at the token endpoint: ask once before enrolling anyone.
  if (grant.provider === 'google' && candidates.length > 0) {
    await access.userToken(grant, candidates[0]!.user).catch(rethrowing(deps, row.id));
  }
  await ensureOrganization(db, input.organizationId);
  for (const candidate of candidates) {
    const outcome = await enrolOne(deps, { row, grant, candidate });
    if ('reason' in outcome) result.skipped.push(outcome);
    else result.enrolled.push(outcome);
  }
  deps.logger.info(
    { organizationConnectionId: row.id, enrolled: result.enrolled.length, skipped: result.skipped.length },
    'organization users enrolled',
  );
  return result;
}

function subjectOf(grant: OrganizationGrant, user: DirectoryUser): string {
  return grant.provider === 'google' ? `workspace:${user.email}` : `${grant.tenantId.toLowerCase()}/${user.id}`;
}

async function enrolOne(
  deps: Deps,
  input: { row: { id: string; organizationId: string; provider: string }; grant: OrganizationGrant; candidate: Candidate },
): Promise<EnrolmentResult['enrolled'][number] | EnrolmentResult['skipped'][number]> {
  const { db, workflows } = deps;
  const { row, grant, candidate } = input;
  const email = candidate.user.email;
  const subject = subjectOf(grant, candidate.user);
  const key = liveAccountKey(row.organizationId, row.provider, subject);
  const live = await db.calendarConnection.findFirst({
    where: {
      organizationId: row.organizationId,
      provider: row.provider,
      status: { not: 'disconnected' },
      OR: [{ liveAccountKey: key }, { externalAccountEmail: email }],
    },
  });
  if (live) {
    if (live.organizationConnectionId !== row.id) return { email, reason: 'user_connection' };
    return { email, userId: live.userId, connectionId: live.id, alreadyEnrolled: true };
  }
  let connection;
  try {
    connection = await db.calendarConnection.create({
      data: {
        organizationId: row.organizationId,
        userId: candidate.userId,
        provider: row.provider,
        externalAccountEmail: email,
        externalAccountId: subject,
        liveAccountKey: key,
        organizationConnectionId: row.id,
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { email, reason: 'in_use' };
    throw error;
  }
  await workflows.connected(connection, false);
  return { email, userId: connection.userId, connectionId: connection.id, alreadyEnrolled: false };
}
