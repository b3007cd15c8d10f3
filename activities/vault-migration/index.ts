// The vault migration workflow's activities (services/vault-migration), with failures mapped for Temporal.
import { Context, heartbeat } from '@temporalio/activity';
import type { ServiceDependencies } from '../../services/dependencies';
import { migrateLegacyBatch } from '../../services/vault-migration/batch';
import { migrateLegacyRun, type RunHeartbeat } from '../../services/vault-migration/batch-run';
import { reportMigrationCompleted } from '../../services/vault-migration/completion';
import { withFailureMapping } from '../failure-mapping';
import type { VaultMigrationActivities } from './types';

export function createVaultMigrationActivities(deps: ServiceDependencies): VaultMigrationActivities {
  const logger = deps.logger.child({ component: 'vault-migration' });
  return withFailureMapping({
    migrateLegacyBatch: (input) => migrateLegacyBatch({ ...deps, logger }, input, (details) => heartbeat(details)),
    // A retried run resumes where its last heartbeat said.
    migrateLegacyRun: (input) =>
      migrateLegacyRun(
        { ...deps, logger },
        input,
        (details) => heartbeat(details),
        Context.current().info.heartbeatDetails as RunHeartbeat | undefined,
      ),
    reportVaultMigrationCompleted: (input) => reportMigrationCompleted(deps, input),
  });
}
