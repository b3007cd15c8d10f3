// The organization's calendar settings: read with view, change with admin (each within its range).
import { readSettings } from '../../data/settings';
import { SETTING_RANGES } from '../../domain/settings';
import type { Db } from '../../db/client';
import { changeSettings } from '../../services/settings';
import { PERMISSIONS } from '../auth/permissions';
import { route } from '../routing/route';
import { settingsPatchBody, settingsResponse } from '../schemas';

async function settingsView(db: Db, organizationId: string) {
  const { updatedAt, ...settings } = await readSettings(db, organizationId);
  return { ...settings, updatedAt: updatedAt?.toISOString() ?? null, ranges: SETTING_RANGES };
}

export const settingsRoutes = [
  route({
    method: 'get',
    path: '/v1/settings',
    summary: "The organization's calendar settings",
    tag: 'Settings',
    permission: PERMISSIONS.view,
    responses: { 200: { description: 'Settings', schema: settingsResponse } },
  }).handle(async ({ caller }, { db }) => {
    return { status: 200, body: await settingsView(db, caller.organizationId) };
  }),
  route({
    method: 'patch',
    path: '/v1/settings',
    summary: 'Change calendar settings (each within its allowed range)',
    tag: 'Settings',
    permission: PERMISSIONS.admin,
    body: settingsPatchBody,
    responses: { 200: { description: 'The settings after the change', schema: settingsResponse } },
  }).handle(async ({ caller, body }, ctx) => {
    await changeSettings(ctx, { organizationId: caller.organizationId, patch: body, changedBy: caller.userId });
    return { status: 200, body: await settingsView(ctx.db, caller.organizationId) };
  }),
];
