// GET /v1/me: who the token names and what it may do, so a UI (the console, a CRM's own) shows only what
// the caller can use. Answers from the verified token; nothing is stored.
import { z } from 'zod';
import { ALL_PERMISSIONS } from '../auth/permissions';
import { route } from '../routing/route';

const meResponse = z.object({
  organizationId: z.string(),
  userId: z.string(),
  permissions: z.array(z.string()).describe('The calendar permissions the token grants (others it carries are left out)'),
});

export const meRoutes = [
  route({
    method: 'get',
    path: '/v1/me',
    summary: 'The caller: organization, user and calendar permissions of the token',
    tag: 'Session',
    permission: null,
    responses: { 200: { description: 'The caller', schema: meResponse } },
  }).handle(async ({ caller }) => ({
    status: 200,
    body: {
      organizationId: caller.organizationId,
      userId: caller.userId,
      permissions: ALL_PERMISSIONS.filter((permission) => caller.permissions.has(permission)),
    },
  })),
];
