// The vault migration workflow's activities, bound to their dependencies, with failures mapped for Temporal.
import { withFailureMapping } from '../failure-mapping';
import { migrateLegacyBatch, type VaultMigrationDeps } from './batch';
import type { VaultMigrationActivities } from './types';

export function createVaultMigrationActivities(deps: VaultMigrationDeps): VaultMigrationActivities {
  const logger = deps.logger.child({ component: 'vault-migration' });
  return withFailureMapping({
    migrateLegacyBatch: (input) => migrateLegacyBatch({ ...deps, logger }, input),
  });
}
