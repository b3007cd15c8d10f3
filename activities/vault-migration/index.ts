// The vault migration workflow's activities (services/vault-migration), with failures mapped for Temporal.
import { heartbeat } from '@temporalio/activity';
import type { ServiceDependencies } from '../../services/dependencies';
import { migrateLegacyBatch, planLegacyBatches } from '../../services/vault-migration/batch';
import { reportMigrationCompleted } from '../../services/vault-migration/completion';
import { withFailureMapping } from '../failure-mapping';
import type { VaultMigrationActivities } from './types';

export function createVaultMigrationActivities(deps: ServiceDependencies): VaultMigrationActivities {
  const logger = deps.logger.child({ component: 'vault-migration' });
  return withFailureMapping({
    planLegacyBatches: (input) => planLegacyBatches(deps.db, input),
    migrateLegacyBatch: (input) => migrateLegacyBatch({ ...deps, logger }, input, (details) => heartbeat(details)),
    reportVaultMigrationCompleted: (input) => reportMigrationCompleted(deps, input),
  });
}
