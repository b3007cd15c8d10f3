// All activities the worker registers, built from their dependencies (database, providers, vault).
import type { Db } from '../db/client';
import { createProbeActivities } from './probe';

export interface ActivityDependencies {
  db: Db;
}

export function createActivities(deps: ActivityDependencies) {
  return {
    ...createProbeActivities(deps.db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
