// Changing the organization's calendar settings: stored, then every running connection workflow of the
// organization is told to reload them (poll interval, reminders). A workflow that misses the signal still
// reads them at its next load.
import type { ConnectionWorkflowClient } from '../clients/connection-workflow';
import { isTemporalUnavailable } from '../clients/temporal-errors';
import { saveSettings } from '../data/settings';
import type { ModuleSettings } from '../domain/settings';
import { settingsChangedSignal } from '../workflows/connection/messages';
import type { ServiceDependencies } from './dependencies';

export async function changeSettings(
  { db, logger, workflows }: Pick<ServiceDependencies, 'db' | 'logger'> & { workflows: ConnectionWorkflowClient },
  input: { organizationId: string; patch: Partial<ModuleSettings>; changedBy: string },
): Promise<void> {
  await saveSettings(db, input.organizationId, input.patch, input.changedBy);
  const running = await db.calendarConnection.findMany({
    where: { organizationId: input.organizationId, status: { not: 'disconnected' } },
    select: { id: true },
  });
  const results = await Promise.allSettled(running.map(({ id }) => workflows.signalIfRunning(id, settingsChangedSignal)));
  const failed = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed.length > 0) {
    const temporalDown = failed.some((failure) => isTemporalUnavailable(failure.reason));
    logger.warn({ organizationId: input.organizationId, failed: failed.length, temporalDown }, 'settingsChanged signal failed');
  }
}
