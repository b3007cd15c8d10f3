// GET /v1/changes: the change stream the webhooks deliver, pulled: in order, from a resumable cursor, so a
// CRM can catch up after downtime or prefer polling. `view` sees its own connections' changes and those
// addressed to it; `view-all` the organization's.
import { pageLimit } from '../schemas';
import { z } from 'zod';
import { changesAfter } from '../../data/outbox';
import { PERMISSIONS } from '../auth/permissions';
import { ApiError } from '../routing/errors';
import { route } from '../routing/route';

const changesQuery = z.strictObject({
  after: z
    .string()
    .max(64)
    .optional()
    .describe('The cursor of the last change seen (nextCursor of the previous page); absent: from the start'),
  limit: pageLimit(500, 100),
});

const changeResponse = z.object({
  id: z.string().describe("The change's id (the webhook-id of its deliveries)"),
  type: z.string(),
  occurredAt: z.iso.datetime({ offset: true }),
  connectionId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).describe("The type's documented shape (see the OpenAPI document's `webhooks`)"),
});

const encodeCursor = (sequence: number) => Buffer.from(`s:${sequence}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const match = /^s:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw ApiError.invalid('query.after', 'not a cursor this API issued');
  return Number(match[1]);
}

export const changeRoutes = [
  route({
    method: 'get',
    path: '/v1/changes',
    summary: 'The change stream (the same events the webhooks deliver), oldest first, from a cursor',
    tag: 'Webhooks to the CRM',
    permission: PERMISSIONS.view,
    query: changesQuery,
    responses: {
      200: {
        description: 'A page of changes; pass nextCursor as `after` for the next one (it is repeated when there is nothing new)',
        schema: z.object({ changes: z.array(changeResponse), nextCursor: z.string() }),
      },
    },
  }).handle(async ({ caller, query }, { db }) => {
    const after = query.after ? decodeCursor(query.after) : 0;
    const viewAll = caller.permissions.has(PERMISSIONS.viewAll);
    const visibleTo = viewAll
      ? undefined
      : {
          userId: caller.userId,
          connectionIds: (
            await db.calendarConnection.findMany({
              where: { organizationId: caller.organizationId, userId: caller.userId },
              select: { id: true },
            })
          ).map((row) => row.id),
        };
    const rows = await changesAfter(db, {
      organizationId: caller.organizationId,
      after,
      limit: query.limit,
      ...(visibleTo ? { visibleTo } : {}),
    });
    const changes = rows.map((row) => ({
      id: row.id,
      type: row.type,
      occurredAt: row.occurredAt.toISOString(),
      connectionId: row.connectionId,
      data: JSON.parse(row.data) as Record<string, unknown>,
    }));
    return { status: 200, body: { changes, nextCursor: encodeCursor(rows.at(-1)?.sequence ?? after) } };
  }),
];
