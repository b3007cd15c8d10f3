// The connection workflow's activities, bound to their dependencies, with failures mapped for Temporal.
// Each activity is one call into services/ (the work) or data/ (a plain read or write).
import type { ServiceDependencies } from '../../services/dependencies';
import { withFailureMapping } from '../failure-mapping';
import { withCallContexts } from './call-contexts';
import { calendarActivities } from './calendars';
import { lifecycleActivities } from './lifecycle';
import { syncActivities } from './sync';
import type { ConnectionActivities } from './types';
import { writeActivities } from './writes';

export function createConnectionActivities(deps: ServiceDependencies): ConnectionActivities {
  return withFailureMapping(
    withCallContexts({
      ...lifecycleActivities(deps),
      ...syncActivities(deps),
      ...calendarActivities(deps),
      ...writeActivities(deps),
    }),
  );
}
