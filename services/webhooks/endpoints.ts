// Webhook endpoints, managed by org admins: registered with a URL (checked against the SSRF rules) and
// the event types they take; the signing secret is made here, shown once, and kept in the vault. Each
// endpoint has a workflow that delivers the organization's change stream to it (workflows/webhook-endpoint).
import type { WebhookEndpointClient } from '../../clients/webhook-endpoints';
import { ensureOrganization } from '../../data/connections';
import { endpointOf, endpointsOf, endpointTypes, type WebhookEndpointRow } from '../../data/webhooks';
import { Failure, notFound } from '../../domain/failures';
import { targetProblem } from '../../domain/webhook-targets';
import type { ServiceDependencies } from '../dependencies';
import { newSigningSecret } from './signing';
import { webhookTargetPolicy } from './target-policy';

/** After a rotation the previous secret keeps signing this long, so receivers can switch without a gap. */
export const ROTATION_GRACE_MS = 24 * 3_600_000;

type Deps = Pick<ServiceDependencies, 'db' | 'vault' | 'config' | 'providers' | 'logger'>;

export interface EndpointView {
  id: string;
  url: string;
  events: string[] | null;
  createdAt: string;
  disabledAt: string | null;
  disabledReason: string | null;
}

export function endpointView(row: WebhookEndpointRow): EndpointView {
  return {
    id: row.id,
    url: row.url,
    events: endpointTypes(row) ?? null,
    createdAt: row.createdAt.toISOString(),
    disabledAt: row.disabledAt?.toISOString() ?? null,
    disabledReason: row.disabledReason,
  };
}

/** Registers the endpoint and starts its delivery workflow; the answer carries the secret, the only time it is shown. */
export async function createEndpoint(
  deps: Deps & { webhooks: WebhookEndpointClient },
  input: { organizationId: string; url: string; events?: string[]; createdBy: string },
): Promise<EndpointView & { secret: string }> {
  const problem = targetProblem(input.url, webhookTargetPolicy(deps));
  if (problem) throw new Failure('invalid_request', `url: ${problem}`, { fields: [{ field: 'url', message: problem }] });
  await ensureOrganization(deps.db, input.organizationId);
  const secret = newSigningSecret();
  const row = await deps.db.$transaction(async (tx) => {
    const secretCredentialId = await deps.vault.using(tx).put({ kind: 'webhook_secret', organizationId: input.organizationId, secret });
    // The endpoint hears what happens from now on: its position starts at the stream's end.
    const last = await tx.outboxEvent.findFirst({ where: { organizationId: input.organizationId }, orderBy: { sequence: 'desc' } });
    return tx.webhookEndpoint.create({
      data: {
        organizationId: input.organizationId,
        url: input.url,
        events: input.events ? JSON.stringify([...new Set(input.events)]) : null,
        secretCredentialId,
        cursor: last?.sequence ?? 0,
        createdBy: input.createdBy,
      },
    });
  });
  try {
    await deps.webhooks.start({ endpointId: row.id, cursor: row.cursor });
  } catch (error) {
    // No workflow, no endpoint: nothing half-made stays.
    await deps.db.$transaction(async (tx) => {
      await deps.vault.using(tx).delete(row.secretCredentialId);
      await tx.webhookEndpoint.delete({ where: { id: row.id } });
    });
    throw error;
  }
  deps.logger.info({ organizationId: input.organizationId, endpointId: row.id }, 'webhook endpoint registered');
  return { ...endpointView(row), secret };
}

export async function listEndpoints({ db }: Pick<Deps, 'db'>, organizationId: string): Promise<EndpointView[]> {
  return (await endpointsOf(db, organizationId)).map(endpointView);
}

/** Stops deliveries for good: the row stays (its delivery log with it) marked deleted; its secrets go. */
export async function deleteEndpoint(deps: Deps, organizationId: string, endpointId: string): Promise<EndpointView> {
  const row = await endpointOf(deps.db, organizationId, endpointId);
  if (!row) throw notFound('Webhook endpoint');
  const deleted = await deps.db.$transaction(async (tx) => {
    const vault = deps.vault.using(tx);
    for (const credentialId of [row.secretCredentialId, row.previousSecretCredentialId]) if (credentialId) await vault.delete(credentialId);
    return tx.webhookEndpoint.update({ where: { id: row.id }, data: { deletedAt: new Date() } });
  });
  return endpointView(deleted);
}

/** A new secret; the previous one signs too for ROTATION_GRACE_MS. The answer carries the new secret once. */
export async function rotateSecret(
  deps: Deps,
  organizationId: string,
  endpointId: string,
): Promise<EndpointView & { secret: string; previousSecretExpiresAt: string }> {
  const row = await endpointOf(deps.db, organizationId, endpointId);
  if (!row) throw notFound('Webhook endpoint');
  const secret = newSigningSecret();
  const previousSecretExpiresAt = new Date(Date.now() + ROTATION_GRACE_MS);
  const updated = await deps.db.$transaction(async (tx) => {
    const vault = deps.vault.using(tx);
    if (row.previousSecretCredentialId) await vault.delete(row.previousSecretCredentialId);
    const secretCredentialId = await vault.put({ kind: 'webhook_secret', organizationId, secret });
    return tx.webhookEndpoint.update({
      where: { id: row.id },
      data: { secretCredentialId, previousSecretCredentialId: row.secretCredentialId, previousSecretExpiresAt },
    });
  });
  return { ...endpointView(updated), secret, previousSecretExpiresAt: previousSecretExpiresAt.toISOString() };
}
