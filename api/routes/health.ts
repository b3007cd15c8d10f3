// GET /healthz: each dependency and its state; 200 when all are up, 503 when one is down.
import { Router } from 'express';
import type { ApiDependencies } from '../dependencies';

const CHECK_TIMEOUT_MS = 2000;

type DependencyState = { status: 'up' } | { status: 'down'; error: string };

async function check(probe: () => Promise<unknown>): Promise<DependencyState> {
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

export function healthRouter({ db, temporal }: ApiDependencies): Router {
  const router = Router();
  router.get('/healthz', async (_request, response) => {
    const [database, temporalState] = await Promise.all([
      check(() => db.$queryRawUnsafe('SELECT 1')),
      check(() => temporal.workflowService.getSystemInfo({})),
    ]);
    const dependencies = { database, temporal: temporalState };
    const healthy = Object.values(dependencies).every((state) => state.status === 'up');
    response.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'degraded', dependencies });
  });
  return router;
}
