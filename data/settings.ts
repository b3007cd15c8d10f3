// The organization's calendar settings (ce_module_settings), with the documented defaults for an
// organization that never changed them.
import type { Db } from '../db/client';
import { DEFAULT_SETTINGS, type ModuleSettings } from '../domain/settings';
import { ensureOrganization } from './connections';

export async function readSettings(db: Db, organizationId: string): Promise<ModuleSettings & { updatedAt: Date | null }> {
  const row = await db.moduleSettings.findUnique({ where: { organizationId } });
  return {
    defaultMeetingDurationMinutes: row?.defaultMeetingDurationMinutes ?? DEFAULT_SETTINGS.defaultMeetingDurationMinutes,
    syncPollIntervalMinutes: row?.syncPollIntervalMinutes ?? DEFAULT_SETTINGS.syncPollIntervalMinutes,
    preMeetingNotificationMinutes: row?.preMeetingNotificationMinutes ?? DEFAULT_SETTINGS.preMeetingNotificationMinutes,
    updatedAt: row?.updatedAt ?? null,
  };
}

export async function saveSettings(db: Db, organizationId: string, patch: Partial<ModuleSettings>, updatedBy: string): Promise<void> {
  await ensureOrganization(db, organizationId);
  await db.moduleSettings.upsert({
    where: { organizationId },
    create: { organizationId, ...patch, updatedBy },
    update: { ...patch, updatedBy },
  });
}
