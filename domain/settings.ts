// The organization's calendar settings and their allowed ranges (admin guide: "Module Settings").
// One schema serves the API (request validation, OpenAPI) and the activities that read the database.
import { z } from 'zod';

export const SETTING_RANGES = {
  defaultMeetingDurationMinutes: { min: 15, max: 480, default: 30 },
  syncPollIntervalMinutes: { min: 5, max: 60, default: 15 },
  preMeetingNotificationMinutes: { min: 5, max: 1440, default: 15 },
} as const;

type SettingName = keyof typeof SETTING_RANGES;

function minutesSetting(name: SettingName) {
  const { min, max } = SETTING_RANGES[name];
  const message = `must be a whole number of minutes from ${min} to ${max}`;
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

export const moduleSettingsSchema = z.strictObject({
  defaultMeetingDurationMinutes: minutesSetting('defaultMeetingDurationMinutes'),
  syncPollIntervalMinutes: minutesSetting('syncPollIntervalMinutes'),
  preMeetingNotificationMinutes: minutesSetting('preMeetingNotificationMinutes'),
});

export type ModuleSettings = z.infer<typeof moduleSettingsSchema>;

/** A partial update: any subset of the settings, each within its range. */
export const moduleSettingsPatchSchema = moduleSettingsSchema.partial();

export const DEFAULT_SETTINGS: ModuleSettings = {
  defaultMeetingDurationMinutes: SETTING_RANGES.defaultMeetingDurationMinutes.default,
  syncPollIntervalMinutes: SETTING_RANGES.syncPollIntervalMinutes.default,
  preMeetingNotificationMinutes: SETTING_RANGES.preMeetingNotificationMinutes.default,
};
