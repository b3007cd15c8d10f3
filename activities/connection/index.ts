// The connection workflow's activities, bound to their dependencies, with failures mapped for Temporal.
import { withFailureMapping } from '../failures';
import type { ConnectionActivityDeps } from './dependencies';
import { createEventEditActivities } from './event-edits';
import { createLifecycleActivities } from './lifecycle';
import { createMeetingActivities } from './meetings';
import { createOccurrenceEditActivities } from './occurrence-edits';
import { createPushActivities } from './push';
import { createReminderActivities } from './reminders';
import { createSyncActivities } from './sync';
import type { ConnectionActivities } from './types';

export function createConnectionActivities(deps: ConnectionActivityDeps): ConnectionActivities {
  return withFailureMapping({
    ...createLifecycleActivities(deps),
    ...createSyncActivities(deps),
    ...createReminderActivities(deps),
    ...createPushActivities(deps),
    ...createMeetingActivities(deps),
    ...createEventEditActivities(deps),
    ...createOccurrenceEditActivities(deps),
  });
}
