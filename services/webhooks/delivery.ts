// One delivery attempt of one change-stream event to one endpoint: the Standard Webhooks body
// `{type, timestamp, data}`, signed with the endpoint's secret(s), POSTed through the guarded agent with a
// short timeout. A 2xx answer delivers it; anything else (or no answer) is a failed attempt, recorded with
// its status so the delivery log shows it. The caller (the endpoint's workflow) decides when to try again.
import ipaddr from 'ipaddr.js';
import { fetch, type Agent } from 'undici';
import { recordAttempt } from '../../data/webhooks';
import { isPublicAddress } from '../../domain/webhook-targets';
import type { ServiceDependencies } from '../dependencies';
import { guardedDispatcher, TargetRefusedError } from './guarded-dispatcher';
import { signedHeaders } from './signing';
import { webhookTargetPolicy } from './target-policy';

const DELIVERY_TIMEOUT_MS = 10_000;
type Deps = Pick<ServiceDependencies, 'db' | 'vault' | 'config' | 'providers' | 'logger' | 'metrics'>;

export interface AttemptOutcome {
  delivered: boolean;
  /** false: the endpoint or event no longer exists (deleted); nothing to retry. */
  exists: boolean;
  statusCode: number | null;
  error: string | null;
}

/** The secrets that sign now: the current one, and the previous one until its rotation grace period ends. */
async function signingSecrets(
  deps: Deps,
  endpoint: { secretCredentialId: string; previousSecretCredentialId: string | null; previousSecretExpiresAt: Date | null },
) {
  const secrets = [await deps.vault.get(endpoint.secretCredentialId)];
  if (endpoint.previousSecretCredentialId && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date()) {
    secrets.push(await deps.vault.get(endpoint.previousSecretCredentialId));
  }
  return secrets;
}

/** One agent (connection pool) per policy, shared by every delivery of this process. */
const agents = new Map<boolean, Agent>();
function dispatcherFor(allowPrivate: boolean): Agent {
  let agent = agents.get(allowPrivate);
  if (!agent) {
    agent = guardedDispatcher({ allowPrivate }, { connectTimeoutMs: DELIVERY_TIMEOUT_MS });
    agents.set(allowPrivate, agent);
  }
  return agent;
}

export async function deliverEvent(
  deps: Deps,
  input: { endpointId: string; sequence: number; nextAttemptAt: string | null },
): Promise<AttemptOutcome> {
  const { db } = deps;
  const [endpoint, event] = await Promise.all([
    db.webhookEndpoint.findUnique({ where: { id: input.endpointId } }),
    db.outboxEvent.findUnique({ where: { sequence: input.sequence } }),
  ]);
  if (!endpoint || endpoint.deletedAt || !event || event.organizationId !== endpoint.organizationId) {
    return { delivered: false, exists: false, statusCode: null, error: 'gone' };
  }
  const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt.toISOString(), data: JSON.parse(event.data) as unknown });
  const headers = signedHeaders(await signingSecrets(deps, endpoint), { id: event.id, timestamp: new Date(), body });
  const policy = webhookTargetPolicy(deps);
  let outcome: AttemptOutcome;
  try {
    const host = new URL(endpoint.url).hostname.replace(/^\[|\]$/g, '');
    // An address literal is not looked up: judge it here (names are judged by the agent at connect time).
    if (!policy.allowPrivate && ipaddr.isValid(host) && !isPublicAddress(host)) throw new TargetRefusedError('non-public address');
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'calendar-sync-webhooks/1', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      dispatcher: dispatcherFor(policy.allowPrivate),
    });
    await response.arrayBuffer().catch(() => undefined);
    const delivered = response.status >= 200 && response.status < 300;
    outcome = { delivered, exists: true, statusCode: response.status, error: delivered ? null : `HTTP ${response.status}` };
  } catch (error) {
    const refused = error instanceof TargetRefusedError || (error as { cause?: unknown }).cause instanceof TargetRefusedError;
    const reason = refused
      ? 'target refused: not a public address'
      : error instanceof Error && error.name === 'TimeoutError'
        ? 'timeout'
        : 'unreachable';
    outcome = { delivered: false, exists: true, statusCode: null, error: reason };
  }
  await recordAttempt(db, {
    endpointId: endpoint.id,
    eventSequence: event.sequence,
    eventId: event.id,
    eventType: event.type,
    delivered: outcome.delivered,
    statusCode: outcome.statusCode,
    error: outcome.error,
    nextAttemptAt: input.nextAttemptAt ? new Date(input.nextAttemptAt) : null,
  });
  if (!outcome.delivered)
    deps.logger.warn({ endpointId: endpoint.id, sequence: event.sequence, error: outcome.error }, 'webhook attempt failed');
  return outcome;
}

/**
 * Delivers the events in order until one fails: `handled` counts those before it (delivered, or gone);
 * `failed` is the first failure, whose attempt is recorded like any other.
 */
export async function deliverInOrder(
  deps: Deps,
  input: { endpointId: string; sequences: number[]; nextAttemptAt: string },
  alive: () => void,
): Promise<{ handled: number; delivered: number; failed?: { sequence: number; outcome: AttemptOutcome } }> {
  let delivered = 0;
  for (const [index, sequence] of input.sequences.entries()) {
    const outcome = await deliverEvent(deps, { endpointId: input.endpointId, sequence, nextAttemptAt: input.nextAttemptAt });
    alive();
    if (outcome.delivered) delivered += 1;
    else if (outcome.exists) return { handled: index, delivered, failed: { sequence, outcome } };
  }
  return { handled: input.sequences.length, delivered };
}
