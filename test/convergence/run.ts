// `npm run test:convergence -- --runs 50 [--seed N] [--max-ops 20] [--providers google,microsoft] [--path P]`:
// the convergence property with more runs and (unless --seed) a random seed; the options become the
// CONVERGENCE_* variables the test reads. Jest's global setup starts the Temporal dev server as usual.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '50' },
    seed: { type: 'string' },
    'max-ops': { type: 'string' },
    providers: { type: 'string' },
    path: { type: 'string' },
  },
});
const env: NodeJS.ProcessEnv = { ...process.env, CONVERGENCE_RUNS: values.runs };
if (values.seed) env.CONVERGENCE_SEED = values.seed;
if (values['max-ops']) env.CONVERGENCE_MAX_OPS = values['max-ops'];
if (values.providers) env.CONVERGENCE_PROVIDERS = values.providers;
if (values.path) env.CONVERGENCE_PATH = values.path;
const result = spawnSync('npx', ['jest', 'test/convergence'], { stdio: 'inherit', env: { CONVERGENCE_TIMEOUT_MS: '86400000', ...env } });
process.exit(result.status ?? 1);
