// The platform probe: POST starts probeWorkflow for a new database row; GET reads its state through the
// workflow's `status` query. Proves API -> Temporal -> worker -> database -> query end to end.
import { z } from 'zod';
import { readProbe, startProbe } from '../../clients/probe';
import { PERMISSIONS } from '../auth/permissions';
import { ApiError } from '../routing/errors';
import { route } from '../routing/route';

const probeParams = z.strictObject({ probeId: z.uuid({ error: 'must be a UUID' }) });
const probeStarted = z.object({ probeId: z.uuid(), requestedAt: z.iso.datetime({ offset: true }) });
const probeStatus = z.object({
  probeId: z.string(),
  state: z.enum(['running', 'completed']),
  completedAt: z.string().optional(),
  workerId: z.string().optional(),
});

export const diagnosticRoutes = [
  route({
    method: 'post',
    path: '/v1/diagnostics/probes',
    summary: 'Start a probe: a workflow whose activity writes a database row (checks a deployment end to end)',
    tag: 'Operations',
    permission: PERMISSIONS.admin,
    responses: { 202: { description: 'Probe started', schema: probeStarted } },
  }).handle(async (_input, { db, temporal, config }) => {
    const probe = await db.diagnosticProbe.create({ data: {} });
    await startProbe(temporal, config.TEMPORAL_TASK_QUEUE, probe.id);
    return { status: 202, body: { probeId: probe.id, requestedAt: probe.requestedAt.toISOString() } };
  }),
  route({
    method: 'get',
    path: '/v1/diagnostics/probes/{probeId}',
    summary: "A probe's state",
    tag: 'Operations',
    permission: PERMISSIONS.admin,
    params: probeParams,
    responses: { 200: { description: 'The probe', schema: probeStatus } },
    errors: [404],
  }).handle(async ({ params }, { temporal }) => {
    const status = await readProbe(temporal, params.probeId);
    if (!status) throw ApiError.notFound('Probe');
    return { status: 200, body: status };
  }),
];
