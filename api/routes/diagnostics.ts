// The platform probe: POST starts probeWorkflow for a new database row; GET reads its state through the
// workflow's `status` query. Proves API -> Temporal -> worker -> database -> query end to end.
import { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { probeStatusQuery, probeWorkflowId } from '../../workflows/probe';
import { ApiError } from '../errors';
import type { ApiDependencies } from '../dependencies';
import { parseInput } from '../validation';

const probeParams = z.strictObject({ probeId: z.uuid() });

export function diagnosticsRouter({ db, temporal, config }: ApiDependencies): Router {
  const router = Router();

  router.post('/v1/diagnostics/probes', async (_request, response) => {
    const probe = await db.diagnosticProbe.create({ data: {} });
    await temporal.workflow.start('probeWorkflow', {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: probeWorkflowId(probe.id),
      args: [probe.id],
    });
    response.status(202).json({ probeId: probe.id, requestedAt: probe.requestedAt.toISOString() });
  });

  router.get('/v1/diagnostics/probes/:probeId', async (request, response) => {
    const { probeId } = parseInput(probeParams, request.params, 'params');
    try {
      const status = await temporal.workflow.getHandle(probeWorkflowId(probeId)).query(probeStatusQuery);
      response.json(status);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw ApiError.notFound('Probe');
      throw error;
    }
  });

  return router;
}
