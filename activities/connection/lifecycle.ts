// Activities of the connection's own state: context, health, tokens, migration, disconnect.
import { recordConnectionHealth } from '../../data/connections';
import {
  disconnectConnection,
  loadConnectionContext,
  migrateConnectionTokens,
  refreshConnectionToken,
  revokeConnectionTokens,
} from '../../services/connection/lifecycle';
import type { ServiceDependencies } from '../../services/dependencies';
import type { ConnectionActivities } from './types';

type LifecycleActivities = Pick<
  ConnectionActivities,
  | 'loadConnectionContext'
  | 'recordConnectionHealth'
  | 'refreshConnectionToken'
  | 'revokeConnectionTokens'
  | 'markDisconnected'
  | 'migrateConnectionTokens'
>;

export function lifecycleActivities(deps: ServiceDependencies): LifecycleActivities {
  return {
    loadConnectionContext: (connectionId) => loadConnectionContext(deps, connectionId),
    recordConnectionHealth: (input) => recordConnectionHealth(deps.db, input),
    refreshConnectionToken: (connectionId) => refreshConnectionToken(deps, connectionId),
    revokeConnectionTokens: (connectionId) => revokeConnectionTokens(deps, connectionId),
    markDisconnected: (connectionId) => disconnectConnection(deps, connectionId),
    migrateConnectionTokens: (connectionId) => migrateConnectionTokens(deps, connectionId),
  };
}
