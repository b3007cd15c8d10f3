// The end of an organization's vault migration, reported to the CRM (vault_migration.completed).
import { emitChange } from '../../data/outbox';
import type { ServiceDependencies } from '../dependencies';

export async function reportMigrationCompleted(
  { db }: Pick<ServiceDependencies, 'db'>,
  input: { organizationId: string; workflowId: string; migrated: number; failedCount: number },
): Promise<void> {
  await emitChange(db, {
    organizationId: input.organizationId,
    type: 'vault_migration.completed',
    data: { workflowId: input.workflowId, migrated: input.migrated, failedCount: input.failedCount },
  });
}
