// The cleanup's one activity: deletes what has outlived its use (services/cleanup.ts).
import { cleanUpExpiredData, type CleanupReport } from '../services/cleanup';
import type { ServiceDependencies } from '../services/dependencies';

export interface CleanupActivities {
  cleanUpExpiredData(): Promise<CleanupReport>;
}

export function createCleanupActivities(deps: ServiceDependencies): CleanupActivities {
  return { cleanUpExpiredData: () => cleanUpExpiredData(deps) };
}
