// The permissions an API token may carry (claim `permissions`), as the CRM grants them.
export const PERMISSIONS = {
  connect: 'ce.calendar.connect',
  schedule: 'ce.calendar.schedule',
  view: 'ce.calendar.view',
  viewAll: 'ce.calendar.view-all',
  admin: 'ce.calendar.admin',
} as const;

export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];

export const ALL_PERMISSIONS: Permission[] = Object.values(PERMISSIONS);
