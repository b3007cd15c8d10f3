// The organization's calendar settings: read with view, change with admin. A change is signalled to every
// running connection workflow of the organization, which reloads its settings (poll interval, reminders).
import { WorkflowNotFoundError } from '@temporalio/client';
import { Router } from 'express';
import { DEFAULT_SETTINGS } from '../../domain/settings';
import { connectionWorkflowId, settingsChangedSignal } from '../../workflows/connection/messages';
import { requirePermission } from '../auth/middleware';
import { PERMISSIONS } from '../auth/permissions';
import type { ApiContext } from '../dependencies';
import { standardErrors, type RouteDoc } from '../route-docs';
import { noQuery, settingsPatchBody, settingsResponse } from '../schemas';
import { isTemporalUnavailable } from '../temporal-errors';
import { parseInput } from '../validation';

export const settingsRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/settings',
    summary: "The organization's calendar settings",
    tag: 'Settings',
    auth: true,
    permission: PERMISSIONS.view,
    query: noQuery,
    responses: { 200: { description: 'Settings', schema: settingsResponse }, ...standardErrors() },
  },
  {
    method: 'patch',
    path: '/v1/settings',
    summary: 'Change calendar settings (each within its allowed range)',
    tag: 'Settings',
    auth: true,
    permission: PERMISSIONS.admin,
    query: noQuery,
    body: settingsPatchBody,
    responses: { 200: { description: 'The settings after the change', schema: settingsResponse }, ...standardErrors() },
  },
];

export function settingsRouter({ db, temporal, logger }: ApiContext): Router {
  const router = Router();

  async function read(organizationId: string) {
    const row = await db.moduleSettings.findUnique({ where: { organizationId } });
    return {
      defaultMeetingDurationMinutes: row?.defaultMeetingDurationMinutes ?? DEFAULT_SETTINGS.defaultMeetingDurationMinutes,
      syncPollIntervalMinutes: row?.syncPollIntervalMinutes ?? DEFAULT_SETTINGS.syncPollIntervalMinutes,
      preMeetingNotificationMinutes: row?.preMeetingNotificationMinutes ?? DEFAULT_SETTINGS.preMeetingNotificationMinutes,
      updatedAt: row?.updatedAt.toISOString() ?? null,
    };
  }

  router.get('/v1/settings', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.view);
    parseInput(noQuery, request.query, 'query');
    response.json(await read(caller.organizationId));
  });

  router.patch('/v1/settings', async (request, response) => {
    const caller = requirePermission(response, PERMISSIONS.admin);
    parseInput(noQuery, request.query, 'query');
    const patch = parseInput(settingsPatchBody, request.body ?? {}, 'body');
    await db.organization.upsert({ where: { id: caller.organizationId }, create: { id: caller.organizationId }, update: {} });
    await db.moduleSettings.upsert({
      where: { organizationId: caller.organizationId },
      create: { organizationId: caller.organizationId, ...patch, updatedBy: caller.userId },
      update: { ...patch, updatedBy: caller.userId },
    });
    const running = await db.calendarConnection.findMany({
      where: { organizationId: caller.organizationId, status: { not: 'disconnected' } },
      select: { id: true },
    });
    // The settings are stored: a workflow that misses the signal still reads them at its next load.
    const results = await Promise.allSettled(
      running.map(({ id }) => temporal.workflow.getHandle(connectionWorkflowId(id)).signal(settingsChangedSignal)),
    );
    const failed = results.filter(
      (result): result is PromiseRejectedResult => result.status === 'rejected' && !(result.reason instanceof WorkflowNotFoundError),
    );
    if (failed.length > 0) {
      logger.warn(
        { organizationId: caller.organizationId, failed: failed.length, temporalDown: failed.some((f) => isTemporalUnavailable(f.reason)) },
        'settingsChanged signal failed',
      );
    }
    response.json(await read(caller.organizationId));
  });

  return router;
}
