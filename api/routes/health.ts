// GET /healthz: up or down for anyone (load balancers, orchestrators); which dependency is down, and why,
// only for a caller with a valid API token (outsiders learn nothing about the deployment's insides).
import { z } from 'zod';
import { publicRoute } from '../routing/route';

const CHECK_TIMEOUT_MS = 2000;

const dependencyState = z.union([z.object({ status: z.literal('up') }), z.object({ status: z.literal('down'), error: z.string() })]);
const healthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  dependencies: z.object({ database: dependencyState, temporal: dependencyState }).optional().describe('Only with a valid bearer token'),
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

/** True when the request carries a bearer token this API accepts (a bad one is simply not trusted here). */
async function authenticated(header: string | undefined, verify: (token: string) => Promise<unknown>): Promise<boolean> {
  const token = /^Bearer ([A-Za-z0-9_.-]{1,8192})$/.exec(header ?? '')?.[1];
  if (!token) return false;
  return verify(token).then(
    () => true,
    () => false,
  );
}

export const healthRoutes = [
  publicRoute({
    method: 'get',
    path: '/healthz',
    summary: 'Up (200) or degraded (503); with a bearer token, the state of each dependency (database, Temporal)',
    tag: 'Operations',
    responses: {
      200: { description: 'Everything is up', schema: healthResponse },
      503: { description: 'A dependency is down', schema: healthResponse },
    },
  }).handle(async ({ request }, { db, temporal, verifyToken }) => {
    const [database, temporalState] = await Promise.all([
      check(() => db.$queryRawUnsafe('SELECT 1')),
      check(() => temporal.workflowService.getSystemInfo({})),
    ]);
    const dependencies = { database, temporal: temporalState };
    const healthy = Object.values(dependencies).every((state) => state.status === 'up');
    const details = (await authenticated(request.get('authorization'), verifyToken)) ? { dependencies } : {};
    return healthy
      ? { status: 200, body: { status: 'ok' as const, ...details } }
      : { status: 503, body: { status: 'degraded' as const, ...details } };
  }),
];
