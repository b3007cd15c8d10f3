// All activities the worker registers, built from the service's dependencies.
import type { ServiceDependencies } from '../services/dependencies';
import { createCleanupActivities } from './cleanup';
import { createConnectionActivities } from './connection';
import { createProbeActivities } from './probe';
import { createVaultMigrationActivities } from './vault-migration';

export function createActivities(deps: ServiceDependencies) {
  return {
    ...createProbeActivities(deps.db),
    ...createConnectionActivities(deps),
    ...createVaultMigrationActivities(deps),
    ...createCleanupActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
