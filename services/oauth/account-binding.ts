// Which connection row a freshly consented account becomes. Accounts are identified by what the provider
// guarantees stable (AccountIdentity.subject: Google `sub`, Microsoft tenant + object id), never by address:
//  - one account is live at most once per organization (ce_calendar_connections.live_account_key): another
//    user of the organization connecting it is refused; nobody shares another user's synced data;
//  - the same user reconnecting the same account gets their connection back (its synced data included);
//  - anyone else, or the same address now belonging to another account, starts a new, empty connection: a
//    disconnected connection's data is never handed to a different user (the cleanup workflow deletes it
//    after the grace period);
//  - a reconnect (POST .../reconnect) must bring back the very account the connection was made with;
//  - an account the organization enrolled (organization-managed) cannot be connected by a user as well.
import { recordConnectionHealth } from '../../data/connections';
import { isUniqueViolation } from '../../db/errors';
import type { CalendarConnectionModel, Db } from '../../db/client';
import type { AccountIdentity, ProviderId } from '../../providers/types';
import { OAuthFlowError } from './oauth-flow-error';

export interface BindingInput {
  organizationId: string;
  userId: string;
  provider: ProviderId;
  identity: AccountIdentity;
  oauthClientId: string | null;
  reconnectConnectionId: string | null;
}

export const liveAccountKey = (organizationId: string, provider: string, subject: string) => `${organizationId}|${provider}|${subject}`;

const inUse = () => new OAuthFlowError('account_in_use', 'This calendar account is already connected by another user of the organization');

const managedByOrganization = () =>
  new OAuthFlowError(
    'account_managed_by_organization',
    'This calendar account is connected by the organization (organization-managed) and syncs already; no own connection is needed',
  );

/** Rows connected before accounts had a subject are known by address only: they match by it, once. */
function sameAccount(row: CalendarConnectionModel, identity: AccountIdentity): boolean {
  if (row.externalAccountId) return row.externalAccountId === identity.subject;
  return row.externalAccountEmail === identity.email.toLowerCase();
}

export async function bindAccount(db: Db, input: BindingInput): Promise<{ connectionId: string; reused: boolean }> {
  const { organizationId, userId, provider, identity } = input;
  const email = identity.email.toLowerCase();
  const key = liveAccountKey(organizationId, provider, identity.subject);
  const resume = (row: CalendarConnectionModel) => reuse(db, row, input, key, email);

  if (input.reconnectConnectionId) {
    const target = await db.calendarConnection.findFirst({ where: { id: input.reconnectConnectionId, organizationId, userId, provider } });
    if (!target || !sameAccount(target, identity)) {
      throw new OAuthFlowError('account_mismatch', 'Reconnect with the same calendar account the connection was made with');
    }
    return resume(target);
  }

  // An account the organization enrolled syncs through its organization-managed connection, never twice.
  const managed = await db.calendarConnection.findFirst({
    where: {
      organizationId,
      provider,
      status: { not: 'disconnected' },
      organizationConnectionId: { not: null },
      externalAccountEmail: email,
    },
    select: { id: true },
  });
  if (managed) throw managedByOrganization();
  const live = await db.calendarConnection.findFirst({
    where: {
      organizationId,
      provider,
      status: { not: 'disconnected' },
      OR: [{ liveAccountKey: key }, { externalAccountId: null, externalAccountEmail: email }],
    },
  });
  if (live?.organizationConnectionId) throw managedByOrganization();
  if (live) {
    if (live.userId !== userId) throw inUse();
    return resume(live);
  }
  // The same user's own disconnected connection of this very account: resumed with its data.
  const own = await db.calendarConnection.findFirst({
    where: { organizationId, userId, provider, externalAccountId: identity.subject, status: 'disconnected' },
    orderBy: { disconnectedAt: 'desc' },
  });
  if (own) return resume(own);

  try {
    const created = await db.calendarConnection.create({
      data: {
        organizationId,
        userId,
        provider,
        externalAccountEmail: email,
        externalAccountId: identity.subject,
        liveAccountKey: key,
        oauthClientId: input.oauthClientId,
      },
    });
    return { connectionId: created.id, reused: false };
  } catch (error) {
    // Two completions for the same new account at once: the second finds the first's row.
    if (!isUniqueViolation(error)) throw error;
    const winner = await db.calendarConnection.findUnique({ where: { liveAccountKey: key } });
    if (!winner || winner.userId !== userId) throw inUse();
    return resume(winner);
  }
}

async function reuse(
  db: Db,
  row: CalendarConnectionModel,
  input: BindingInput,
  key: string,
  email: string,
): Promise<{ connectionId: string; reused: boolean }> {
  try {
    await db.calendarConnection.update({
      where: { id: row.id },
      data: {
        disconnectedAt: null,
        lastErrorCode: null,
        lastErrorAt: null,
        oauthClientId: input.oauthClientId,
        externalAccountId: input.identity.subject,
        externalAccountEmail: email,
        liveAccountKey: key,
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw inUse();
    throw error;
  }
  // Active again, and reported to the CRM when it was not (a reconnect after revocation, a re-connect).
  await recordConnectionHealth(db, { connectionId: row.id, health: 'active', revive: true });
  return { connectionId: row.id, reused: true };
}
