// What the API's routes receive: the service's shared dependencies, a Temporal client, and the typed
// clients and services built on them. Tests pass real ones (dev server, test database, provider fakes).
import type { Client } from '@temporalio/client';
import { ConnectionWorkflowClient } from '../clients/connection-workflow';
import { WebhookEndpointClient } from '../clients/webhook-endpoints';
import type { ServiceDependencies } from '../services/dependencies';
import type { TokenVerifier } from './auth/verifier';
import { SignalCoalescer } from '../services/push-signal-coalescer';
import { syncNowSignal } from '../workflows/connection/messages';
import type { Db } from '../db/client';
import { tenantScoped } from '../db/tenant-scope';
import { ConnectionService } from '../services/oauth/connecting';

export interface ApiDependencies extends ServiceDependencies {
  temporal: Client;
}

export interface ApiContext extends ApiDependencies {
  /** Every call to a connection's workflow goes through this client. */
  workflows: ConnectionWorkflowClient;
  /** The OAuth flow: start connecting, complete at the callback. */
  connecting: ConnectionService;
  /** The webhook endpoints' delivery workflows. */
  webhooks: WebhookEndpointClient;
  /** Checks a bearer token, for public routes that show more to an authenticated caller (/healthz). */
  verifyToken: TokenVerifier;
  /** Folds push notifications for one connection into one sync request per SYNC_MIN_GAP_SECONDS. */
  pushSignals: SignalCoalescer;
  /** The application role's client narrowed to one organization (for public routes that found their tenant). */
  tenantDb(organizationId: string): Db;
}

export function apiContext(deps: ApiDependencies, verifyToken: TokenVerifier): ApiContext {
  const workflows = new ConnectionWorkflowClient(deps.temporal, deps.config.TEMPORAL_TASK_QUEUE, deps.config.SYNC_MIN_GAP_SECONDS * 1000);
  const webhooks = new WebhookEndpointClient(deps.temporal, deps.config.TEMPORAL_TASK_QUEUE);
  const pushSignals = new SignalCoalescer(async (connectionId) => {
    await workflows.signalIfRunning(connectionId, syncNowSignal, { reason: 'push' });
  }, deps.config.SYNC_MIN_GAP_SECONDS * 1000);
  const tenantDb = (organizationId: string) => tenantScoped(deps.db, organizationId);
  const connecting = new ConnectionService({ ...deps, workflows });
  return { ...deps, workflows, connecting, webhooks, verifyToken, pushSignals, tenantDb };
}
