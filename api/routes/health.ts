// GET /healthz: each dependency and its state; 200 when all are up, 503 when one is down.
import { z } from 'zod';
import { publicRoute } from '../routing/route';

const CHECK_TIMEOUT_MS = 2000;

const dependencyState = z.union([z.object({ status: z.literal('up') }), z.object({ status: z.literal('down'), error: z.string() })]);
const healthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  dependencies: z.object({ database: dependencyState, temporal: dependencyState }),
});

async function check(probe: () => Promise<unknown>): Promise<z.infer<typeof dependencyState>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message.split('\n')[0]! : 'unavailable' };
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes = [
  publicRoute({
    method: 'get',
    path: '/healthz',
    summary: 'Health of the API and its dependencies (database, Temporal)',
    tag: 'Operations',
    responses: {
      200: { description: 'Everything is up', schema: healthResponse },
      503: { description: 'A dependency is down', schema: healthResponse },
    },
  }).handle(async (_input, { db, temporal }) => {
    const [database, temporalState] = await Promise.all([
      check(() => db.$queryRawUnsafe('SELECT 1')),
      check(() => temporal.workflowService.getSystemInfo({})),
    ]);
    const dependencies = { database, temporal: temporalState };
    const healthy = Object.values(dependencies).every((state) => state.status === 'up');
    return healthy
      ? { status: 200, body: { status: 'ok' as const, dependencies } }
      : { status: 503, body: { status: 'degraded' as const, dependencies } };
  }),
];
